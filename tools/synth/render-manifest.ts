/**
 * The text of one review manifest file, from plain data: what the synth's main thread and its manifest
 * writer thread (tools/synth/manifest-writer.js) both use. It imports only cdk8s's YAML module, so the
 * writer thread loads neither cdktf nor the rest of cdk8s.
 */
import { Yaml } from 'cdk8s/lib/yaml';

/** The documents of one file and the reference each Terraform token in them stands for. */
export interface RenderedManifest {
  /** The documents cdk8s's `Yaml.save` was given, tokens included. */
  readonly docs: readonly unknown[];
  /** `${TfToken[TOKEN.n]}` -> the reference it resolves to, for every token in the documents. */
  readonly references: Readonly<Record<string, string>>;
}

const TF_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/**
 * cdk8s's YAML of the documents, as its `Yaml.save` writes it (cdk8s 2.x lib/yaml.js `stringify`: YAML 1.1,
 * no line folding, undefined kept as null), with each token replaced by its reference, as
 * `WorkloadsStack.synthManifests` replaces them in the file.
 */
export function renderManifest(file: RenderedManifest): string {
  return Yaml.stringify(...file.docs).replace(TF_TOKEN, (token) => {
    const reference = file.references[token];
    if (reference === undefined) throw new Error(`no reference was collected for ${token}`);
    return reference;
  });
}
