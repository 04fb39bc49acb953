-- The social map: one row per HSDS service, stored as the compiled (nested) HSDS document.
CREATE TABLE services (
  id uuid PRIMARY KEY,
  doc jsonb NOT NULL,
  status text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row: the published version of the map. Every change that reaches residents bumps it.
CREATE TABLE map_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version integer NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO map_version (version) VALUES (0);

-- "Klopt er iets niet?": residents' reports for the map's editors. The id is made by the
-- phone, so a report sent twice from the offline queue is stored once.
CREATE TABLE listing_reports (
  id uuid PRIMARY KEY,
  service_id uuid NOT NULL,
  message text NOT NULL,
  contact text,
  status text NOT NULL DEFAULT 'open',
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_reports_open ON listing_reports (status, received_at);
