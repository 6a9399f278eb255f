/** A Grafana notification message template. */
import { Construct } from '../framework';
import { GeneratedMessageTemplate } from './bindings';

/** Props of {@link MessageTemplate}. */
export interface MessageTemplateProps {
  /** Template group name in Grafana. */
  readonly name: string;
  /** Go template text with one or more `{{ define "name" }} … {{ end }}` blocks. */
  readonly template: string;
}

/** A `grafana_message_template`. */
export class MessageTemplate extends Construct {
  /** The template resource. */
  readonly resource: GeneratedMessageTemplate;
  /** Names of the templates the text defines, in order. */
  readonly defines: readonly string[];

  constructor(scope: Construct, id: string, props: MessageTemplateProps) {
    super(scope, id);
    this.defines = [...props.template.matchAll(/\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}/g)].map((m) => m[1]!);
    if (this.defines.length === 0)
      throw new Error(`message template "${props.name}" defines no template ({{ define "name" }} … {{ end }})`);
    this.resource = new GeneratedMessageTemplate(this, 'Resource', { name: props.name, template: props.template });
  }
}
