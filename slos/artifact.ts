import { CORE_SCHEMA, load } from 'js-yaml';

/** A generated file: its path relative to the output directory and its full text. */
export interface Artifact {
  /** Relative path with forward slashes, e.g. `prometheus/api.rules.yaml`. */
  readonly path: string;
  /**
   * Full file content, ending in a newline: the text, or its parts in order, each a string or
   * the UTF-8 bytes of one (never a character split between two parts).
   *
   * A large file whose text is Latin-1 but for its generated-file header (the em dash) gives the
   * header apart: one string holding both is UTF-16 throughout, which the writer flattens and
   * encodes at two to three times the cost (1,000 SLOs: 50 MB of promtool test files). Rule and
   * test files give the rest as bytes, written by their YAML emitter without building the text.
   */
  readonly content: string | readonly (string | Uint8Array)[];
}

/** The full text of an artifact. */
export function artifactText(a: Artifact): string {
  return contentText(a.content);
}

/** The full text of an artifact's content. */
export function contentText(content: Artifact['content']): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (typeof part === 'string' ? part : utf8Text(part))).join('');
}

/** The text of UTF-8 bytes. */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The value of a YAML file the tool generated, when it reads its own output back (the routing
 * cases from the rule files, `slo test`'s metrics contract check): js-yaml with the YAML 1.2 core
 * schema, which reads every file `slo generate` writes as the `yaml` library's default does
 * (tests/slos/artifact.test.ts compares them) at about a sixth of the CPU.
 */
export function parseGeneratedYaml(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}
