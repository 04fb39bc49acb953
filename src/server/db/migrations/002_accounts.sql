-- Organisations (a GP practice, a welfare organisation, a municipality) and their people.
CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  totp_last_counter bigint NOT NULL DEFAULT 0,
  failed_attempts integer NOT NULL DEFAULT 0,
  last_failed_at timestamptz,
  locked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('huisarts', 'sociaal-werker', 'kaartbeheerder', 'programma', 'beheerder')),
  PRIMARY KEY (user_id, organisation_id, role)
);

-- Only a hash of the session token is stored: a stolen database holds no usable session.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  second_factor boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE bootstrap_codes (
  code_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);

-- A professional's phone: its P-256 public key (JWK); the private key never leaves it.
CREATE TABLE devices (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name text NOT NULL,
  public_key jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz
);
CREATE INDEX devices_org ON devices (organisation_id, status);

-- NEN 7513: who did what on which record. Ids and actions only, never content. Append-only.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid,
  organisation_id uuid,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text
);
CREATE INDEX audit_log_org ON audit_log (organisation_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- Which organisation owns a listing (its members may propose changes to it).
ALTER TABLE services ADD COLUMN owner_organisation_id uuid REFERENCES organisations (id);

-- Every change to a listing, with who and when: the listing's history.
CREATE TABLE service_versions (
  id bigserial PRIMARY KEY,
  service_id uuid NOT NULL,
  change text NOT NULL,
  doc jsonb NOT NULL,
  changed_by uuid REFERENCES users (id),
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_versions_service ON service_versions (service_id, id);

-- Changes proposed by an organisation's members, waiting for a kaartbeheerder.
CREATE TABLE proposals (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  proposed_by uuid NOT NULL REFERENCES users (id),
  doc jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  reason text,
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE listing_reports ADD COLUMN resolution text;
ALTER TABLE listing_reports ADD COLUMN resolved_by uuid REFERENCES users (id);
ALTER TABLE listing_reports ADD COLUMN resolved_at timestamptz;
