/** A generated file: its path relative to the output directory and its full text. */
export interface Artifact {
  /** Relative path with forward slashes, e.g. `prometheus/api.rules.yaml`. */
  readonly path: string;
  /** Full file content, ending in a newline. */
  readonly content: string;
}
