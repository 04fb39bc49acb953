-- Case sync (issue 16; docs/case-sync.md, "Server"). A case is a Yjs document the server never
-- reads: it keeps random ids, who is a member, document keys wrapped under members' user keys,
-- and signed ciphertext updates and snapshots (src/shared/caseSync/messages.ts). Every write locks
-- the document's row first (SELECT … FOR UPDATE), so writers in several server processes take
-- their turn; the unique keys below hold even if a check were ever skipped.

CREATE TABLE sync_documents (
  id uuid PRIMARY KEY,
  -- The organisation of the device that made it.
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  key_gen integer NOT NULL DEFAULT 1 CHECK (key_gen >= 1),
  -- Set in the same transaction as the snapshot row it names (deferred foreign key, below).
  active_snapshot_id uuid NOT NULL,
  -- After a key or membership change: only a snapshot under the new key generation is taken.
  requires_snapshot boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_members (
  document_id uuid NOT NULL REFERENCES sync_documents (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('lead', 'member')),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, user_id)
);
CREATE INDEX sync_members_user ON sync_members (user_id);

-- The document key of a generation, wrapped under one of a member's user keys and signed by the
-- device that wrapped it (caseKeyBoxSchema).
CREATE TABLE sync_key_boxes (
  document_id uuid NOT NULL REFERENCES sync_documents (id) ON DELETE CASCADE,
  key_gen integer NOT NULL CHECK (key_gen >= 1),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_key_id uuid NOT NULL,
  box jsonb NOT NULL,
  PRIMARY KEY (document_id, key_gen, user_id, user_key_id)
);

-- The chain of snapshots. `body` (the signed ciphertext) is emptied once a newer snapshot is
-- accepted: only the proof row (ids, hashes, clocks) stays, so deleted text leaves the server.
CREATE TABLE sync_snapshots (
  id uuid PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES sync_documents (id) ON DELETE CASCADE,
  parent_id uuid REFERENCES sync_snapshots (id) ON DELETE CASCADE,
  parent_hash text,
  -- snapshotHash (messages.ts) of this snapshot, computed on arrival: the next one must name it.
  snapshot_hash text NOT NULL,
  clocks jsonb NOT NULL,
  device_id uuid NOT NULL,
  key_gen integer NOT NULL CHECK (key_gen >= 1),
  body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((parent_id IS NULL) = (parent_hash IS NULL))
);
-- One first snapshot per document, and no snapshot with two children: the chain cannot fork.
CREATE UNIQUE INDEX sync_snapshots_root ON sync_snapshots (document_id) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX sync_snapshots_child ON sync_snapshots (parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE sync_documents ADD CONSTRAINT sync_documents_active_snapshot
  FOREIGN KEY (active_snapshot_id) REFERENCES sync_snapshots (id) DEFERRABLE INITIALLY DEFERRED;

-- Updates under a snapshot, numbered per device (clock 1, 2, …) and across devices by `seq`.
-- Deleted when a newer snapshot is accepted.
CREATE TABLE sync_updates (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  document_id uuid NOT NULL REFERENCES sync_documents (id) ON DELETE CASCADE,
  snapshot_id uuid NOT NULL REFERENCES sync_snapshots (id) ON DELETE CASCADE,
  device_id uuid NOT NULL,
  clock integer NOT NULL CHECK (clock >= 1),
  key_gen integer NOT NULL CHECK (key_gen >= 1),
  body jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (snapshot_id, device_id, clock)
);
CREATE INDEX sync_updates_pull ON sync_updates (snapshot_id, seq);
CREATE INDEX sync_updates_document ON sync_updates (document_id);

-- A user key sealed (sealed v2, signed by the sending device) to one device of the same user.
CREATE TABLE user_key_boxes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key_id uuid NOT NULL,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  box jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key_id, device_id)
);
CREATE INDEX user_key_boxes_device ON user_key_boxes (device_id);

-- NEN 7513: who created, fetched, changed, shared, handed over, removed or recovered which case
-- (its random id), from which device, when (the server's clock). Ids only; append-only; no
-- foreign keys, so the log outlives the rows it names.
CREATE TABLE case_access_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  user_id uuid,
  device_id uuid,
  document_id uuid NOT NULL,
  -- The organisation of the device that acted.
  organisation_id uuid,
  action text NOT NULL CHECK (action IN ('create', 'fetch', 'update', 'snapshot', 'share', 'handover', 'remove', 'recover'))
);
CREATE INDEX case_access_log_document ON case_access_log (document_id, id);
CREATE INDEX case_access_log_organisation ON case_access_log (organisation_id, at);

CREATE FUNCTION case_access_log_is_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case_access_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER case_access_log_no_change BEFORE UPDATE OR DELETE ON case_access_log
  FOR EACH ROW EXECUTE FUNCTION case_access_log_is_append_only();
CREATE TRIGGER case_access_log_no_truncate BEFORE TRUNCATE ON case_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION case_access_log_is_append_only();
