import * as fs from 'fs';
import * as path from 'path';
import { findDocumentationGaps, readApiModel, type ApiModel, type ApiProp } from '../../tools/docs/api-model';
import { renderApiDocs } from '../../tools/docs/markdown';

const root = path.resolve(__dirname, '..', '..');

/** Undocumented props tolerated for now: none. It may only shrink; an entry no longer a gap fails the test. */
const KNOWN_GAPS: readonly string[] = [];

const withoutLocation = (gap: string) => gap.replace(/^\S+:\d+ /, '');

describe('API documentation', () => {
  let model: ApiModel;
  beforeAll(() => {
    model = readApiModel(root);
  }, 60_000);

  test('finds the exported constructs and their props', () => {
    const names = model.constructs.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['Network', 'ContainerRegistry', 'SecureBucket', 'EncryptionKey']));
    const network = model.constructs.find((c) => c.name === 'Network')!;
    expect(network.importPath).toBe('@mlops-platform/infrastructure/constructs');
    expect(network.propsInterface?.name).toBe('NetworkProps');
    const natMode = network.propsInterface!.props.find((p) => p.name === 'natMode')!;
    expect(natMode).toMatchObject({ optional: true, defaultValue: "'perAz'", type: 'NatMode' });
    expect(natMode.description).toMatch(/survives the loss of an AZ/);
  });

  test('every exported construct class, and every prop of its props interface, has TSDoc; every optional prop has @default', () => {
    const gaps = findDocumentationGaps(model).filter((gap) => !KNOWN_GAPS.includes(withoutLocation(gap)));
    expect(gaps).toEqual([]);
  });

  test('the list of known gaps only shrinks', () => {
    const current = new Set(findDocumentationGaps(model).map(withoutLocation));
    expect(KNOWN_GAPS.filter((gap) => !current.has(gap))).toEqual([]);
  });

  test('renders a page per construct with every prop, its type and default', () => {
    const files = renderApiDocs(model);
    expect(files.get('README.md')).toContain('[`Network`](./constructs.Network.md)');
    const page = files.get('constructs.Network.md')!;
    expect(page).toContain("import { Network } from '@mlops-platform/infrastructure/constructs';");
    expect(page).toContain("| `natMode` | `NatMode` | `'perAz'` |");
    expect(page).toContain('| `cidr` (required) | `string` | *required* |');
    expect(files.get('constructs.ContainerRegistry.md')).toContain('| `namespace` | `string` | no prefix |');
  });

  test('docs/api is up to date with the code (run `npm run docs` after changing a construct)', () => {
    const files = renderApiDocs(model);
    const dir = path.join(root, 'docs', 'api');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort()).toEqual([...files.keys()].sort());
    for (const [name, content] of files) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(content);
  });
});

describe('findDocumentationGaps', () => {
  const construct = (props: ApiModel['constructs'][number]['propsInterface'], description = 'A thing.') => ({
    constructs: [
      { name: 'Thing', module: 'constructs', importPath: 'x', description, file: 'constructs/thing.ts', line: 1, extends: 'Construct', constructorSignature: '', members: [], propsInterface: props },
    ],
    missingEntryPoints: [],
  });
  const prop = (overrides: Partial<ApiProp>): ApiProp => ({
    name: 'size', type: 'number', optional: true, description: 'How big.', defaultValue: '1', declaredIn: 'ThingProps', file: 'constructs/thing.ts', line: 5, ...overrides,
  });

  test('fails when a construct class has no TSDoc', () => {
    expect(findDocumentationGaps(construct(undefined, ''))).toEqual(['constructs/thing.ts:1 Thing: construct class has no TSDoc']);
  });

  test('fails when a prop has no TSDoc or an optional prop has no @default', () => {
    const gaps = findDocumentationGaps(
      construct({ name: 'ThingProps', description: '', props: [prop({ name: 'a', optional: false, description: '' }), prop({ name: 'b', defaultValue: undefined })] }),
    );
    expect(gaps).toEqual(['constructs/thing.ts:5 ThingProps.a: prop has no TSDoc', 'constructs/thing.ts:5 ThingProps.b: optional prop has no @default']);
  });

  test('accepts a comment holding only @default (STYLE.md rule 3) and ignores props inherited from frameworks', () => {
    const gaps = findDocumentationGaps(
      construct({ name: 'ThingProps', description: '', props: [prop({ description: '' }), prop({ name: 'fromCdk8s', description: '', defaultValue: undefined, file: undefined })] }),
    );
    expect(gaps).toEqual([]);
  });

});
