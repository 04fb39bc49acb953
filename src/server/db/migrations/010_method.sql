-- The region's method as numbered versions (issue 15; docs/method.md): pathways, steps, prompts and
-- essentials as one definition (src/shared/method/definition.ts), checked with its Zod schema on
-- publish. Nothing personal: the definition is public, published_by is the programme office's
-- account. Version 1 is the bundled method (src/shared/method/sigMethod.ts), seeded at start-up
-- (src/server/method/repository.ts). The primary key settles two publishes of one version: the
-- second insert conflicts, whichever process it runs in.
CREATE TABLE method_versions (
  version integer PRIMARY KEY CHECK (version >= 1),
  definition jsonb NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by uuid REFERENCES users (id) ON DELETE SET NULL
);
