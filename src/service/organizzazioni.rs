//! The organisations of the territory and the punti di contatto behind permissions: everyone reads
//! the registry (schede name its settori), an administrator keeps it; the punti di contatto of an
//! ufficio are kept by who administers its ente. The code lists the scheda takes from them.

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::domain::organizzazione::{self, Organizzazione, PuntoContatto, Ruolo, clean, etichetta};
use crate::store::{StoreError, StoreResult};

impl Service<'_> {
    /// The registry: every organisation with its settori, by name.
    pub fn organizzazioni(&mut self, actor: &Actor) -> StoreResult<Vec<Organizzazione>> {
        self.guard(actor, Op::ListOrganizzazioni, None, "organizzazioni")?;
        self.store.organizzazioni()
    }

    /// Saves an organisation with its settori (checked; texts trimmed). Returns its id.
    pub fn save_organizzazione(&mut self, actor: &Actor, o: &Organizzazione) -> StoreResult<i64> {
        let what = if o.id == 0 {
            "organizzazioni".to_string()
        } else {
            format!("organizzazione {}", o.id)
        };
        let actor = self.guard(actor, Op::SaveOrganizzazione, None, &what)?;
        let mut o = o.clone();
        o.nome = o.nome.trim().to_string();
        o.tipo = o.tipo.trim().to_string();
        for v in [
            &mut o.zona,
            &mut o.codice_fiscale,
            &mut o.indirizzo,
            &mut o.telefono,
            &mut o.email,
            &mut o.pec,
        ] {
            *v = clean(v);
        }
        o.codice_fiscale = o.codice_fiscale.map(|c| c.to_uppercase());
        for s in &mut o.settori {
            s.nome = s.nome.trim().to_string();
            s.codice = s.codice.trim().to_string();
            for v in [&mut s.telefono, &mut s.email, &mut s.orari] {
                *v = clean(v);
            }
        }
        organizzazione::check(&o).map_err(StoreError::Invalid)?;
        if !self
            .store
            .codes("tipo_organizzazione")?
            .iter()
            .any(|c| c.codice == o.tipo)
        {
            return Err(StoreError::Invalid(format!(
                "tipo di organizzazione «{}» sconosciuto",
                crate::sanitize::sanitize(&o.tipo)
            )));
        }
        self.store.save_organizzazione(&actor, &o)
    }

    /// Loads a registry read from CSV ([`organizzazione::from_csv`]): a new organisation is added,
    /// one already there (same name) gets the settori it lacks. Returns (added, completed).
    pub fn import_organizzazioni(
        &mut self,
        actor: &Actor,
        nuove: &[Organizzazione],
    ) -> StoreResult<(usize, usize)> {
        let mut counts = (0, 0);
        for n in nuove {
            let existing =
                self.store.organizzazioni()?.into_iter().find(|o| {
                    crate::domain::fold::fold(&o.nome) == crate::domain::fold::fold(&n.nome)
                });
            match existing {
                None => {
                    self.save_organizzazione(actor, n)?;
                    counts.0 += 1;
                }
                Some(mut o) => {
                    let fold = |s: &str| crate::domain::fold::fold(s);
                    let missing: Vec<_> = n
                        .settori
                        .iter()
                        .filter(|s| !o.settori.iter().any(|x| fold(&x.nome) == fold(&s.nome)))
                        .cloned()
                        .collect();
                    if !missing.is_empty() {
                        o.settori.extend(missing);
                        self.save_organizzazione(actor, &o)?;
                        counts.1 += 1;
                    }
                }
            }
        }
        Ok(counts)
    }

    /// The punti di contatto of ufficio `ufficio_id`.
    pub fn punti_contatto(
        &mut self,
        actor: &Actor,
        ufficio_id: i64,
    ) -> StoreResult<Vec<PuntoContatto>> {
        self.guard(actor, Op::ListOrganizzazioni, None, "punti di contatto")?;
        self.store.punti_contatto(ufficio_id)
    }

    /// Saves a punto di contatto of an ufficio of an ente the actor administers. Returns its id.
    pub fn save_punto_contatto(&mut self, actor: &Actor, p: &PuntoContatto) -> StoreResult<i64> {
        let what = format!("ufficio {}", p.ufficio_id);
        let ente = self
            .store
            .ufficio(p.ufficio_id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?
            .ente_id;
        let actor = self.guard(actor, Op::SavePuntoContatto, Some(ente), &what)?;
        let mut p = p.clone();
        p.nome = p.nome.trim().to_string();
        for v in [&mut p.indirizzo, &mut p.telefono, &mut p.orari] {
            *v = clean(v);
        }
        organizzazione::check_punto(&p).map_err(StoreError::Invalid)?;
        self.store.save_punto_contatto(&actor, &p)
    }

    /// The settori with role `ruolo` as a code list: (codice, "Organizzazione · Settore"), those of
    /// the zona first, then the others with their zona; disabled ones only when `with_disabled`.
    pub(super) fn settori_list(
        &self,
        ruolo: Ruolo,
        with_disabled: bool,
    ) -> StoreResult<Vec<(String, String)>> {
        let mut zona = Vec::new();
        let mut altre = Vec::new();
        for o in self.store.organizzazioni()? {
            for s in &o.settori {
                let offered = o.attivo && s.attivo && s.has(ruolo);
                if !(offered || with_disabled && s.has(ruolo)) {
                    continue;
                }
                let label = etichetta(&o, s);
                match &o.zona {
                    None => zona.push((s.codice.clone(), label)),
                    Some(z) => altre.push((s.codice.clone(), format!("{label} ({z})"))),
                }
            }
        }
        zona.extend(altre);
        Ok(zona)
    }

    /// The punti di contatto of ufficio `ufficio` as a code list (id, "Nome · indirizzo").
    pub(super) fn punti_list(
        &self,
        ufficio: Option<i64>,
        with_disabled: bool,
    ) -> StoreResult<Vec<(String, String)>> {
        let Some(ufficio) = ufficio else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .punti_contatto(ufficio)?
            .into_iter()
            .filter(|p| p.attivo || with_disabled)
            .map(|p| {
                let label = match &p.indirizzo {
                    Some(i) => format!("{} · {i}", p.nome),
                    None => p.nome.clone(),
                };
                (p.id.to_string(), label)
            })
            .collect())
    }

    /// The offices a scheda can be sent to, "Ente · Ufficio": those of the actor's ambito (zona)
    /// first, then the other enti's, by name; the actor's own office is not offered.
    pub(super) fn uffici_invio(
        &self,
        actor: &Actor,
        with_disabled: bool,
    ) -> StoreResult<Vec<(String, String)>> {
        let enti = self.store.list_enti()?;
        let ambito_of = |id: i64| {
            enti.iter()
                .find(|e| e.id == id)
                .map(|e| e.ambito_id.unwrap_or(e.id))
        };
        let own = actor.ente().and_then(ambito_of);
        let mut zona = Vec::new();
        let mut altre = Vec::new();
        for e in enti.iter().filter(|e| e.attivo || with_disabled) {
            for u in self.store.list_uffici(e.id)? {
                if !with_disabled && (!u.attivo || Some(u.id) == actor.ufficio_id) {
                    continue;
                }
                let item = (u.id.to_string(), format!("{} · {}", e.nome, u.nome));
                if own.is_some() && ambito_of(e.id) == own {
                    zona.push(item);
                } else {
                    altre.push(item);
                }
            }
        }
        zona.sort_by(|a, b| a.1.cmp(&b.1));
        altre.sort_by(|a, b| a.1.cmp(&b.1));
        zona.extend(
            altre
                .into_iter()
                .map(|(k, l)| (k, format!("{l} (altra zona)"))),
        );
        Ok(zona)
    }
}
