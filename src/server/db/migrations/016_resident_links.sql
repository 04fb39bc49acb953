-- The resident's own plan (issue 17 point 4; docs/resident-plan.md "Server"). The casusregisseur's
-- phone seals the plan under a key that stays in the link's fragment; the server keeps only the
-- sealed text under the link's random id, with the SHA-256 of the link's manage secret (kept in the
-- case, so whoever holds the case can update or withdraw the link). src/server/residentPlans/links.ts.
CREATE TABLE resident_links (
  id uuid PRIMARY KEY,
  -- The organisation of the device that made the link, and who made it.
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  created_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- SHA-256 (hex) of the manage secret; the secret itself never reaches the database.
  manage_hash text NOT NULL CHECK (manage_hash ~ '^[0-9a-f]{64}$'),
  -- The sealed plan (base64); NULL once withdrawn or expired.
  body text,
  -- The last day the link works (the region's date, inclusive).
  expires_on date NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  withdrawn_at timestamptz,
  CHECK (withdrawn_at IS NULL OR body IS NULL)
);
-- The expired bodies still held, emptied on each write (links.ts purgeExpired).
CREATE INDEX resident_links_live ON resident_links (expires_on) WHERE body IS NOT NULL;
