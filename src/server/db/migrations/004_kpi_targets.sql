-- KPI targets per intervention and period, entered by the programme team.
CREATE TABLE kpi_targets (
  period text NOT NULL,
  intervention text NOT NULL,
  target integer NOT NULL CHECK (target >= 0),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, intervention)
);
