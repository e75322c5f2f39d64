"""moto's standalone server, logging each request for an action moto does not implement.

moto 5.2.5 raises NotImplementedError from BaseResponse.call_action (moto/core/responses.py) for such an
action, and its server answers a bare HTTP 500 without logging why. This prints one line per such request
to stderr, ``moto-not-implemented: <service> <action>``, so verify:terraform can tell an API the emulator
lacks from a real failure. Arguments are moto_server's (-H HOST -p PORT).
"""

import sys

from moto.core.responses import BaseResponse
from moto.server import main

_call_action = BaseResponse.call_action


def _logging_call_action(self: BaseResponse):  # type: ignore[no-untyped-def]
    try:
        return _call_action(self)
    except NotImplementedError:
        print(f"moto-not-implemented: {self.service_name} {self._get_action()}", file=sys.stderr, flush=True)
        raise


BaseResponse.call_action = _logging_call_action  # type: ignore[method-assign]

if __name__ == "__main__":
    main(sys.argv[1:])
