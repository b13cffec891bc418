//! The tables of the registry: organisations, the settori of one, the punti di contatto of an
//! ufficio.

use crate::domain::organizzazione::{Organizzazione, PuntoContatto, Settore};
use crate::ui::admin::Lista;

/// The registry as the service sent it, with the labels of the tipi of organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Registro {
    pub organizzazioni: Vec<Organizzazione>,
    /// (code, label) of the `tipo_organizzazione` list.
    pub tipi: Vec<(String, String)>,
}

impl Registro {
    pub fn organizzazione(&self, id: i64) -> Option<&Organizzazione> {
        self.organizzazioni.iter().find(|o| o.id == id)
    }
}

pub fn registro() -> Lista<Registro> {
    Lista::new(vec![
        ("Nome", 30),
        ("Tipo", 16),
        ("Zona", 10),
        ("Settori", 7),
        ("Stato", 10),
    ])
}

/// By name (the codes are `s<id>` for most).
pub fn settori() -> Lista<Registro> {
    let mut l = Lista::new(vec![
        ("Codice", 12),
        ("Settore", 40),
        ("I L E", 7),
        ("Stato", 10),
    ]);
    l.table.sort_col = 1;
    l
}

pub fn punti() -> Lista<Vec<PuntoContatto>> {
    Lista::new(vec![
        ("Punto di contatto", 24),
        ("Indirizzo", 24),
        ("Telefono", 12),
        ("Stato", 10),
    ])
}

fn stato(attivo: bool) -> String {
    if attivo { "attivo" } else { "non attivo" }.into()
}

pub fn fill_registro(l: &mut Lista<Registro>, r: Registro) {
    let tipo = |code: &str| {
        r.tipi
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, label)| label.as_str())
            .to_string()
    };
    let rows = r
        .organizzazioni
        .iter()
        .map(|o| {
            (
                o.id.to_string(),
                vec![
                    o.nome.clone(),
                    tipo(&o.tipo),
                    o.zona.clone().unwrap_or_default(),
                    o.settori.len().to_string(),
                    if o.attivo { "attiva" } else { "non attiva" }.into(),
                ],
            )
        })
        .collect();
    l.table.set_rows(rows);
    l.data = Some(r);
}

/// The roles of a settore on a scheda: I(nviante), L (interlocutore), E(rogatore), `-` when not.
fn ruoli(s: &Settore) -> String {
    [
        (s.inviante, "I"),
        (s.interlocutore, "L"),
        (s.erogatore, "E"),
    ]
    .iter()
    .map(|(on, l)| if *on { *l } else { "-" })
    .collect::<Vec<_>>()
    .join(" ")
}

/// The settori of organisation `id` from registry `r`.
pub fn fill_settori(l: &mut Lista<Registro>, id: i64, r: Registro) {
    let rows = r
        .organizzazione(id)
        .map(|o| {
            o.settori
                .iter()
                .map(|s| {
                    (
                        s.id.to_string(),
                        vec![s.codice.clone(), s.nome.clone(), ruoli(s), stato(s.attivo)],
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    l.table.set_rows(rows);
    l.data = Some(r);
}

pub fn fill_punti(l: &mut Lista<Vec<PuntoContatto>>, punti: Vec<PuntoContatto>) {
    let rows = punti
        .iter()
        .map(|p| {
            (
                p.id.to_string(),
                vec![
                    p.nome.clone(),
                    p.indirizzo.clone().unwrap_or_default(),
                    p.telefono.clone().unwrap_or_default(),
                    stato(p.attivo),
                ],
            )
        })
        .collect();
    l.table.set_rows(rows);
    l.data = Some(punti);
}
