-- Organisation: the punto di contatto of each ufficio (address, phone, e-mail, opening hours).
ALTER TABLE ufficio ADD COLUMN indirizzo TEXT;
ALTER TABLE ufficio ADD COLUMN telefono TEXT;
ALTER TABLE ufficio ADD COLUMN email TEXT;
ALTER TABLE ufficio ADD COLUMN orari TEXT;
