-- Another organisation on a case (issue 16 part 3; docs/case-sync.md "Another organisation").
-- The lead invites a professional by exact e-mail; the answer is the same whether or not a
-- sociaal-werker with that address exists, and a row is stored only when one does. The invitee
-- accepts on an approved device of the organisation they act for; the lead's phone then adds them.

-- The organisation a member acts for on the case: the case's own for its colleagues, the accepting
-- device's organisation for an invitee. Access holds only while they are a sociaal-werker there
-- (STILL_IN_ORGANISATION, src/server/caseSync/documents.ts).
ALTER TABLE sync_members ADD COLUMN organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE;
UPDATE sync_members m SET organisation_id = d.organisation_id FROM sync_documents d WHERE d.id = m.document_id;

-- A row written without one acts for the case's organisation.
CREATE FUNCTION sync_members_default_organisation() RETURNS trigger AS $$
BEGIN
  IF NEW.organisation_id IS NULL THEN
    SELECT organisation_id INTO NEW.organisation_id FROM sync_documents WHERE id = NEW.document_id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_members_organisation BEFORE INSERT ON sync_members
  FOR EACH ROW EXECUTE FUNCTION sync_members_default_organisation();
ALTER TABLE sync_members ALTER COLUMN organisation_id SET NOT NULL;

CREATE TABLE case_invitations (
  document_id uuid NOT NULL REFERENCES sync_documents (id) ON DELETE CASCADE,
  invitee_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  -- The organisation of the lead's device when inviting (its name is shown to the invitee).
  inviter_organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  -- Accepting is possible until then (14 days, src/server/caseSync/invitations.ts).
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  -- Set on accepting: the organisation of the invitee's device, the one they act for.
  organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
  PRIMARY KEY (document_id, invitee_id),
  CHECK ((accepted_at IS NULL) = (organisation_id IS NULL))
);
CREATE INDEX case_invitations_invitee ON case_invitations (invitee_id);

-- Invitations asked per lead per region day, known address or not (the limit holds across server processes).
CREATE TABLE case_invitation_counts (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  day date NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (user_id, day)
);

ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('create', 'fetch', 'update', 'snapshot', 'share', 'handover', 'remove', 'recover', 'invite'));
