-- Attributes an ente adds to the operator form in its screens/operatore.toml, as a JSON object.
ALTER TABLE operatore ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
