import type {} from 'cdktf/lib/testing/adapters/jest'; // types of the toHaveResource* matchers
import { Testing } from 'cdktf';

Testing.setupJest();
