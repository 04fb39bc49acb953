-- Trust foundations, part 1 (issue 10): the region as a level of its own, invitations and
-- one-time links, sign-in limits kept in the database (several server processes share them),
-- and an audit log that cannot be truncated. docs/security.md explains each.

-- The region: one organisation (SiG's programme office) holds the region-wide roles.
ALTER TABLE organisations ADD COLUMN is_region boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX organisations_one_region ON organisations (is_region) WHERE is_region;
-- An existing installation: the first organisation (the first beheerder's) is the region.
UPDATE organisations SET is_region = true WHERE id = (SELECT id FROM organisations ORDER BY created_at, id LIMIT 1);

-- Region-wide roles held in an ordinary organisation stop, and the log says so.
INSERT INTO audit_log (actor_id, organisation_id, action, entity, entity_id)
  SELECT NULL, m.organisation_id, 'revoke-role:' || m.role, 'user', m.user_id::text
  FROM memberships m JOIN organisations o ON o.id = m.organisation_id
  WHERE NOT o.is_region AND m.role IN ('kaartbeheerder', 'programma');
DELETE FROM memberships m USING organisations o
  WHERE o.id = m.organisation_id AND NOT o.is_region AND m.role IN ('kaartbeheerder', 'programma');

CREATE FUNCTION region_roles_only_in_region() RETURNS trigger AS $$
BEGIN
  IF NEW.role IN ('kaartbeheerder', 'programma')
     AND NOT EXISTS (SELECT 1 FROM organisations WHERE id = NEW.organisation_id AND is_region) THEN
    RAISE EXCEPTION 'region-role-outside-region: % is held only in the region organisation', NEW.role;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER memberships_region_roles BEFORE INSERT OR UPDATE ON memberships
  FOR EACH ROW EXECUTE FUNCTION region_roles_only_in_region();

ALTER TABLE memberships ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- The organisation that made the account: it (or the region) may lock, unlock and reset it.
ALTER TABLE users ADD COLUMN home_organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL;
UPDATE users u SET home_organisation_id = coalesce(
  (SELECT a.organisation_id FROM audit_log a WHERE a.entity = 'user' AND a.action = 'create' AND a.entity_id = u.id::text ORDER BY a.id LIMIT 1),
  (SELECT m.organisation_id FROM memberships m WHERE m.user_id = u.id ORDER BY m.organisation_id LIMIT 1));
-- Failures now live in sign_in_guard (per account key, also for unknown addresses);
-- locked_at is only a beheerder's lock.
UPDATE users SET locked_at = NULL WHERE failed_attempts >= 10;
ALTER TABLE users DROP COLUMN failed_attempts;
ALTER TABLE users DROP COLUMN last_failed_at;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;

-- Failed sign-in attempts per account key (an HMAC of the e-mail address, so unknown addresses
-- are treated exactly like known ones). An attempt is counted before it is checked, in one
-- statement that also refuses it while the account must wait: parallel guesses cannot slip by.
CREATE TABLE sign_in_guard (
  account_key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  blocked_until timestamptz NOT NULL,
  unreported integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL
);
CREATE INDEX sign_in_guard_updated ON sign_in_guard (updated_at);

-- Fixed-window request counters (sign-in per address and per account, reports per address).
CREATE TABLE rate_limits (
  bucket text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- One-time links a person opens themselves: an invitation to an organisation, a password
-- reset, a reset of the authenticator. Only a hash of the token is kept.
CREATE TABLE account_links (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('invitation', 'password-reset', 'totp-reset')),
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email text NOT NULL,
  name text,
  role text CHECK (role IN ('huisarts', 'sociaal-werker', 'kaartbeheerder', 'programma', 'beheerder')),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  CHECK ((kind = 'invitation') = (role IS NOT NULL)),
  CHECK ((kind = 'invitation') = (user_id IS NULL))
);
CREATE INDEX account_links_org ON account_links (organisation_id, created_at);

-- NEN 7513: not even TRUNCATE empties the audit log.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
