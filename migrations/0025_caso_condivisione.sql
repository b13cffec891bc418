-- Sharing a case with another unit (SISO-DOMAIN §4.2 "casi segnalati/condivisi"): an ufficio of the
-- same ente or another ente (e.g. the ASL's service) sees the case; with `nascondi_informazioni`
-- they see only who the person is, who follows the case and its iter, not the fascicolo.
CREATE TABLE caso_condivisione (
    id                    INTEGER PRIMARY KEY,
    caso_id               INTEGER NOT NULL REFERENCES presa_in_carico(id),
    ufficio_id            INTEGER REFERENCES ufficio(id),
    ente_id               INTEGER REFERENCES ente(id),
    nascondi_informazioni INTEGER NOT NULL DEFAULT 1 CHECK (nascondi_informazioni IN (0, 1)),
    dal                   TEXT NOT NULL,
    al                    TEXT,
    created_at            TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    CHECK ((ufficio_id IS NULL) <> (ente_id IS NULL))
);
CREATE INDEX caso_condivisione_caso ON caso_condivisione(caso_id, al);
CREATE INDEX caso_condivisione_ufficio ON caso_condivisione(ufficio_id, al);
CREATE INDEX caso_condivisione_ente ON caso_condivisione(ente_id, al);
CREATE TRIGGER modifiche_caso_condivisione_insert AFTER INSERT ON caso_condivisione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_condivisione_update AFTER UPDATE ON caso_condivisione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER modifiche_caso_condivisione_delete AFTER DELETE ON caso_condivisione BEGIN UPDATE modifiche SET n = n + 1 WHERE id = 1; END;
