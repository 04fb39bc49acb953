-- Accountability periods in the database (issue 18 point 3; docs/kpi.md "Periods and targets"):
-- the plan's periods (verantwoordingsperiodes, plan 9.2), each a run of half-years with a
-- reporting moment, changed by the region's programme office (PUT /api/kpi/periods). Devices keep
-- counting per half-year: kpi_snapshots, kpi_counts and kpi_measures stay keyed by half-year and
-- fall in a period through first_half_year and last_half_year.
CREATE TABLE kpi_periods (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,19}$'),
  position integer NOT NULL,
  first_half_year text NOT NULL CHECK (first_half_year ~ '^20[0-9]{2}-H[12]$'),
  last_half_year text NOT NULL CHECK (last_half_year ~ '^20[0-9]{2}-H[12]$'),
  reporting_month text NOT NULL CHECK (reporting_month ~ '^20[0-9]{2}-(0[1-9]|1[0-2])$'),
  backup boolean NOT NULL DEFAULT false,
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (first_half_year <= last_half_year),
  -- Deferred: a change of the list renumbers every period in one transaction.
  CONSTRAINT kpi_periods_position UNIQUE (position) DEFERRABLE INITIALLY DEFERRED
);

-- The list of the plan (src/shared/kpi/accountability.ts DEFAULT_ACCOUNTABILITY_PERIODS): period 1
-- is everything up to 30 June 2025 (from 2024, the plan's first year), reported July 2025; periods
-- 2 to 5 are one half-year each; the backup moment covers 2027-H2.
INSERT INTO kpi_periods (id, position, first_half_year, last_half_year, reporting_month, backup) VALUES
  ('p1', 1, '2024-H1', '2025-H1', '2025-07', false),
  ('p2', 2, '2025-H2', '2025-H2', '2026-01', false),
  ('p3', 3, '2026-H1', '2026-H1', '2026-07', false),
  ('p4', 4, '2026-H2', '2026-H2', '2027-01', false),
  ('p5', 5, '2027-H1', '2027-H1', '2027-07', false),
  ('backup', 6, '2027-H2', '2027-H2', '2028-01', true);

-- Targets were kept per half-year ('2025-H1' to '2027-H1', which were periods 1 to 5) and
-- intervention, and were the number of residents reached. They move to the period the half-year
-- falls in, as the KPI 'included'. A half-year in no period would fail the foreign key below, so
-- the migration stops rather than drop a target.
ALTER TABLE kpi_targets RENAME COLUMN period TO period_id;
ALTER TABLE kpi_targets ADD COLUMN kpi text NOT NULL DEFAULT 'included';
ALTER TABLE kpi_targets ALTER COLUMN kpi DROP DEFAULT;
UPDATE kpi_targets t SET period_id = p.id FROM kpi_periods p WHERE t.period_id BETWEEN p.first_half_year AND p.last_half_year;
ALTER TABLE kpi_targets DROP CONSTRAINT kpi_targets_pkey;
ALTER TABLE kpi_targets ADD PRIMARY KEY (period_id, kpi, intervention);
-- A period that holds targets cannot be removed (the route says so first); a renamed id carries them along.
ALTER TABLE kpi_targets ADD CONSTRAINT kpi_targets_period FOREIGN KEY (period_id) REFERENCES kpi_periods (id) ON UPDATE CASCADE ON DELETE RESTRICT;
