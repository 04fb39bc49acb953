-- Residents' own initiatives (burgerinitiatieven) waiting for the region's map editors (docs/initiatives.md).
-- `doc` holds the proposal, contact details included, only while it waits or once accepted (then the
-- listing publishes the same contact, with the resident's consent); a rejected proposal keeps its
-- name and the reason, not the resident's details.
CREATE TABLE initiative_proposals (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  doc jsonb,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  reason text,
  received_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz
);
CREATE INDEX initiative_proposals_waiting ON initiative_proposals (status, received_at);
