import { Yaml } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ManifestWriter, manifestObjects } from '../../../tools/synth/manifests';
import { renderManifest } from '../../../tools/synth/render-manifest';

const TOKEN = '${TfToken[TOKEN.7]}';
const docs = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: { role: TOKEN } }, data: { note: 'multi\nline', empty: undefined } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'b' } },
];
const references = { [TOKEN]: '${aws_iam_role.Role.arn}' };

describe('renderManifest', () => {
  test("is cdk8s's Yaml.save text with each token replaced by its reference", () => {
    expect(renderManifest({ docs, references })).toBe(Yaml.stringify(...docs).split(TOKEN).join('${aws_iam_role.Role.arn}'));
    expect(renderManifest({ docs, references })).toContain('role: ${aws_iam_role.Role.arn}');
  });

  test('refuses a token it has no reference for', () => {
    expect(() => renderManifest({ docs, references: {} })).toThrow(`no reference was collected for ${TOKEN}`);
  });
});

describe('ManifestWriter (a worker thread)', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-writer-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes each file as renderManifest renders it, by the time finish() returns', () => {
    const writer = new ManifestWriter();
    try {
      const files = [0, 1, 2].map((i) => ({ file: path.join(dir, `chart-${i}.k8s.yaml`), docs, references }));
      writer.write(files);
      writer.finish();
      for (const { file } of files) expect(fs.readFileSync(file, 'utf8')).toBe(renderManifest({ docs, references }));
      // A second batch on the same thread.
      writer.write([{ file: path.join(dir, 'again.k8s.yaml'), docs: [docs[1]], references: {} }]);
      writer.finish();
      expect(fs.readFileSync(path.join(dir, 'again.k8s.yaml'), 'utf8')).toBe(Yaml.stringify(docs[1]));
    } finally {
      writer.close();
    }
  });

  test("finish() throws the worker's error: a file it cannot write, a token without a reference", () => {
    const writer = new ManifestWriter();
    try {
      writer.write([{ file: path.join(dir, 'missing', 'dir', 'x.k8s.yaml'), docs, references }]);
      expect(() => writer.finish()).toThrow(/writing the manifests failed: ENOENT: no such file or directory/);
      writer.write([{ file: path.join(dir, 'y.k8s.yaml'), docs, references: {} }]);
      expect(() => writer.finish()).toThrow(`writing the manifests failed: no reference was collected for ${TOKEN}`);
    } finally {
      writer.close();
    }
  });

  test('createFiles makes each file empty with its directories, leaves an existing one as it is, and reports a failure', () => {
    const writer = new ManifestWriter();
    try {
      const existing = path.join(dir, 'kept.json');
      fs.writeFileSync(existing, 'carried over');
      const fresh = [path.join(dir, 'stacks', 'a', 'cdk.tf.json'), path.join(dir, 'stacks', 'b', 'cdk.tf.json')];
      writer.createFiles([...fresh, existing]);
      writer.finish();
      for (const file of fresh) expect(fs.readFileSync(file, 'utf8')).toBe('');
      expect(fs.readFileSync(existing, 'utf8')).toBe('carried over');
      // Requests are answered in order: a failed create is reported even when a write follows it.
      writer.createFiles([path.join(existing, 'not-a-directory', 'cdk.tf.json')]);
      writer.write([{ file: path.join(dir, 'after.k8s.yaml'), docs, references }]);
      expect(() => writer.finish()).toThrow(/^creating the stack files failed: ENOTDIR/);
      expect(fs.readFileSync(path.join(dir, 'after.k8s.yaml'), 'utf8')).toBe(renderManifest({ docs, references }));
    } finally {
      writer.close();
    }
  });

  test('manifestObjects hands the policy check only the files whose objects are known', () => {
    const objects = manifestObjects([
      { file: '/a.yaml', docs, references, objects: [{ kind: 'ConfigMap' }] },
      { file: '/b.yaml', docs, references },
    ]);
    expect([...objects.entries()]).toEqual([['/a.yaml', [{ kind: 'ConfigMap' }]]]);
  });
});
