/**
 * The JSON Schema of `*.dtn.json` (contributed via jsonValidation), derived from DtnConfigSchema
 * so the editor checks exactly what the trainer accepts. Generated at build time.
 */
import { z } from 'zod';
import { DtnConfigSchema } from './config';

type Json = Record<string, unknown>;

/**
 * A config with `extends` is merged over a preset before it is validated, so it may leave out
 * anything the preset provides: the top-level and architecture `required` lists apply only
 * when there is no `extends`.
 */
export function dtnConfigJsonSchema(): Json {
  const schema = z.toJSONSchema(DtnConfigSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const props = schema.properties as Record<string, Json>;
  const arch = props.architecture;
  const thenRequired: Json = { required: schema.required ?? [] };
  // One variant per architecture kind: without `extends`, the object must be a complete variant.
  const variants = (arch?.anyOf ?? []) as Json[];
  if (variants.length) {
    thenRequired.properties = { architecture: { anyOf: variants.map((v) => ({ ...v })) } };
    for (const v of variants) delete v.required;
  }
  delete schema.required;
  return {
    ...schema,
    title: 'DTN Studio configuration (*.dtn.json)',
    if: { not: { required: ['extends'] } },
    then: thenRequired,
  };
}
