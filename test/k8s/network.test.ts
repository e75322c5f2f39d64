import { checkPeer, renderPeer } from '../../k8s';
import { PropsProblems } from '../../k8s';

function problemsOf(peer: Parameters<typeof checkPeer>[2]): string[] {
  const problems = new PropsProblems('p');
  checkPeer(problems, 'peer', peer);
  try {
    problems.throwIfAny();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

describe('network peers', () => {
  test('render namespaces by their metadata.name label, pods by labels, ranges as ipBlock', () => {
    expect(renderPeer({ namespace: 'a' })).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } });
    expect(renderPeer({ podLabels: { app: 'x' } })).toEqual({ podSelector: { matchLabels: { app: 'x' } } });
    expect(renderPeer({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] })).toEqual({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } });
  });

  test('reject empty, mixed or malformed peers', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/p: peer must give cidr, namespace or podLabels/)]);
    expect(problemsOf({ cidr: '10.0.0.0/8', namespace: 'a' })).toEqual([expect.stringMatching(/not both/)]);
    expect(problemsOf({ cidr: '300.0.0.0/8' })).toEqual([expect.stringMatching(/peer\.cidr \("300\.0\.0\.0\/8"\)/)]);
    expect(problemsOf({ namespace: 'a', except: ['10.0.0.0/8'] })).toEqual([expect.stringMatching(/peer\.except is only valid with cidr/)]);
    expect(problemsOf({ namespace: 'a' })).toEqual([]);
  });
});
