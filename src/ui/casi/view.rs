//! Drawing the inbox, the list of cases, a proposed scheda, a case on one section, the fascicolo
//! forms; and the social worker's lines of the home screen. Every text from the database goes
//! through `sanitize`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{CasoView, State};
use crate::domain::caso::{self, Caso, ContatoriCasi, Proposta, Sezione};
use crate::domain::date::italian;
use crate::domain::money::format_euro;
use crate::sanitize::sanitize;
use crate::service::casi::{Cartella, Contenuto, PropostaView};
use crate::ui::app::App;
use crate::ui::theme::{Area, Theme};
use crate::ui::view::{draw_form, draw_table, framed};
use crate::ui::widgets::form::FieldSpec;

pub fn proposta_row(p: &Proposta) -> (String, Vec<String>) {
    (
        p.id.to_string(),
        vec![
            italian(&p.data_accesso),
            p.operatore.clone(),
            p.ufficio.clone().unwrap_or_default(),
            format!("{} {}", p.cognome, p.nome),
            p.codice_fiscale.clone().unwrap_or_default(),
            p.esito.clone().unwrap_or_default(),
            p.categorie.join(", "),
            p.provenienza.clone(),
        ],
    )
}

pub fn caso_row(c: &Caso) -> (String, Vec<String>) {
    (
        c.id.to_string(),
        vec![
            c.numero.to_string(),
            format!("{} {}", c.cognome, c.nome),
            c.codice_fiscale.clone().unwrap_or_default(),
            c.stato_label.clone(),
            c.responsabile.clone().unwrap_or_default(),
            c.categorie.join(", "),
            italian(&c.data_apertura),
        ],
    )
}

pub fn draw(s: &State, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
    match s {
        State::Inbox(r) => draw_table(
            app,
            "Schede da prendere in carico — Invio: visualizza, prendi in carico, vista, respingi",
            r.data.is_some(),
            &r.error,
            &r.table,
            f,
            area,
        ),
        State::Lista(r, filtro) => draw_table(
            app,
            &sanitize(&format!(
                "Lista casi — {} — Invio: apri · Ctrl+K filtri",
                super::filter::summary(filtro)
            )),
            r.data.is_some(),
            &r.error,
            &r.table,
            f,
            area,
        ),
        State::Proposta(v) => {
            paragraph(
                app,
                "Scheda proposta (sola lettura)",
                proposta_lines(&app.config.theme, v),
                0,
                f,
                area,
            );
            None
        }
        State::Caso(c) => {
            draw_caso(app, c, f, area);
            None
        }
        State::Form(fs, ..) | State::Filtro(fs) => draw_form(app, &fs.form, f, area),
    }
}

fn paragraph(
    app: &App,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: u16,
    f: &mut Frame,
    area: Rect,
) {
    let theme = app.config.theme;
    let block = framed(&theme, title, theme.accent(Area::Cartella));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

fn kv(theme: &Theme, k: &str, v: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<21} "), theme.dim()),
        Span::raw(sanitize(v)),
    ])
}

fn proposta_lines(theme: &Theme, v: &PropostaView) -> Vec<Line<'static>> {
    let p = &v.proposta;
    let s = &v.scheda;
    let mut out = vec![
        kv(theme, "Persona", &format!("{} {}", p.cognome, p.nome)),
        kv(
            theme,
            "Codice fiscale",
            p.codice_fiscale.as_deref().unwrap_or("—"),
        ),
        kv(
            theme,
            "Scheda",
            &format!("n. {} del {}", s.numero, italian(&s.edit.data_accesso)),
        ),
        kv(theme, "Operatore", &s.edit.operatore),
        kv(theme, "Ufficio", p.ufficio.as_deref().unwrap_or("—")),
        kv(theme, "Esito", s.edit.esito.as_deref().unwrap_or("—")),
        kv(theme, "Bisogni", &s.edit.bisogni.join(", ")),
        kv(theme, "Servizi", &s.edit.servizi.join(", ")),
        kv(
            theme,
            "Categorie sociali",
            &s.edit.categorie_sociali.join(", "),
        ),
        kv(theme, "Stato proposta", &p.stato),
        Line::raw(""),
    ];
    for (k, val) in &s.edit.dati {
        let text = match val {
            serde_json::Value::String(t) => t.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        out.push(kv(theme, k, &text));
    }
    if let Some(n) = &s.edit.nota_privata {
        out.push(kv(theme, "Nota privata", n));
    }
    out
}

fn draw_caso(app: &App, c: &CasoView, f: &mut Frame, area: Rect) {
    let theme = app.config.theme;
    let block = framed(
        &theme,
        "Cartella sociale — PgSu/PgGiù sezione · Ctrl+E cambio stato · Ctrl+N nuovo · Ctrl+P stampa",
        theme.accent(Area::Cartella),
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [head, tabs, body] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    if let Some(d) = &c.data {
        let k = &d.caso;
        let lines = vec![
            Line::raw(sanitize(&format!(
                "Caso n. {} · {} {} · {} · nato/a {}",
                k.numero,
                k.cognome,
                k.nome,
                k.codice_fiscale.as_deref().unwrap_or("—"),
                k.data_nascita
                    .as_deref()
                    .map(italian)
                    .unwrap_or_else(|| "—".into())
            ))),
            Line::from(vec![
                Span::styled("Stato: ", theme.dim()),
                Span::styled(sanitize(&k.stato_label), theme.focus()),
                Span::raw(sanitize(&format!(
                    " · Responsabile: {} · Categorie: {}",
                    k.responsabile.as_deref().unwrap_or("—"),
                    k.categorie.join(", ")
                ))),
            ]),
        ];
        f.render_widget(Paragraph::new(lines), head);
    }
    let labels: Vec<String> = Sezione::ALL
        .iter()
        .map(|s| format!(" {} ", s.label()))
        .collect();
    let active = Sezione::ALL
        .iter()
        .position(|s| *s == c.sezione)
        .unwrap_or(0);
    let widths: Vec<usize> = labels.iter().map(|l| l.chars().count()).collect();
    let (from, to) = tab_window(&widths, active, usize::from(tabs.width));
    let mut spans = Vec::new();
    if from > 0 {
        spans.push(Span::styled("‹", theme.dim()));
    }
    for (i, label) in labels.iter().enumerate().take(to).skip(from) {
        let style = if i == active {
            theme.focus()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label.clone(), style));
    }
    if to < labels.len() {
        spans.push(Span::styled("›", theme.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    let lines = match (&c.error, &c.data) {
        (Some(e), _) => vec![Line::styled(sanitize(e), theme.error())],
        (None, None) => vec![Line::styled("Caricamento…", theme.dim())],
        (None, Some(d)) => section_lines(app, d),
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((c.scroll, 0)),
        body,
    );
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "—".into())
}

fn raggiunto(r: u8) -> &'static str {
    match r {
        1 => "no",
        2 => "parzialmente",
        3 => "sì",
        _ => "da valutare",
    }
}

/// A stored field of a generic section as the operator reads it: the label of its form
/// (`screens/<sezione>.toml`) and, for the program's code lists, the label of the code.
/// A stored field as shown: its form label, and a code with its label (from the program's fixed
/// lists or the database's `lists`).
fn field_text(
    specs: &[FieldSpec],
    lists: &crate::service::codes::Lists,
    k: &str,
    v: &serde_json::Value,
) -> (String, String) {
    let v = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match specs.iter().find(|s| s.id == k) {
        Some(spec) => {
            let label = spec.code_list.as_deref().and_then(|l| {
                super::forms::fixed_label(l, &v)
                    .map(str::to_string)
                    .or_else(|| {
                        lists
                            .get(l)?
                            .iter()
                            .find(|(c, _)| *c == v)
                            .map(|(_, label)| label.clone())
                    })
            });
            (spec.label.clone(), label.unwrap_or(v))
        }
        None => (k.to_string(), v),
    }
}

fn section_lines(app: &App, d: &Cartella) -> Vec<Line<'static>> {
    let theme = &app.config.theme;
    let oggi = crate::domain::date::iso(app.today());
    let mut out = Vec::new();
    let empty = |out: &mut Vec<Line<'static>>| {
        if out.is_empty() {
            out.push(Line::styled("Nessun dato registrato.", theme.dim()));
        }
    };
    match &d.contenuto {
        Contenuto::Anagrafica(p, storia) => {
            out.push(kv(
                theme,
                "Cognome e nome",
                &format!("{} {}", p.cognome, p.nome),
            ));
            out.push(kv(theme, "Codice fiscale", &opt(&p.codice_fiscale)));
            out.push(kv(theme, "Sesso", &opt(&p.sesso)));
            out.push(kv(
                theme,
                "Data di nascita",
                &p.data_nascita.as_deref().map(italian).unwrap_or_default(),
            ));
            out.push(kv(theme, "Cittadinanza", &opt(&p.cittadinanza)));
            out.push(kv(
                theme,
                "Residenza",
                &format!(
                    "{} {} {}",
                    p.res_indirizzo.as_deref().unwrap_or(""),
                    p.res_civico.as_deref().unwrap_or(""),
                    p.res_comune.as_deref().unwrap_or("")
                ),
            ));
            out.push(kv(theme, "Telefono", &opt(&p.telefono)));
            if !d.categorie.is_empty() {
                out.push(Line::raw(""));
                out.push(Line::styled(
                    "Categorie sociali (Ctrl+N: aggiungi, prevalente, termina)",
                    theme.dim(),
                ));
                for c in &d.categorie {
                    out.push(Line::raw(sanitize(&format!(
                        "{}{} · dal {}{}",
                        c.codice,
                        if c.prevalente { " (prevalente)" } else { "" },
                        italian(&c.dal),
                        c.al.as_deref()
                            .map(|a| format!(" al {}", italian(a)))
                            .unwrap_or_default()
                    ))));
                }
            }
            if !storia.is_empty() {
                out.push(Line::raw(""));
                out.push(Line::styled("Storico delle modifiche", theme.dim()));
                for m in storia.iter().take(20) {
                    out.push(Line::raw(sanitize(&format!(
                        "{} {} {}: {} → {}",
                        &m.at[..m.at.len().min(10)],
                        m.by,
                        m.campo,
                        m.prima.as_deref().unwrap_or("—"),
                        m.dopo.as_deref().unwrap_or("—")
                    ))));
                }
            }
        }
        Contenuto::Risorse(fam) => {
            for x in fam {
                let relazione = x.relazione.as_deref().map(|r| {
                    d.liste
                        .get("relazione")
                        .and_then(|l| l.iter().find(|(c, _)| c == r))
                        .map_or(r, |(_, label)| label.as_str())
                });
                out.push(Line::raw(sanitize(&format!(
                    "{:<11} {} {} ({}){}",
                    x.tipo,
                    x.cognome,
                    x.nome,
                    relazione.unwrap_or("—"),
                    match (&x.soggetto_id, &x.codice_fiscale) {
                        (Some(_), Some(cf)) => format!(" · in anagrafe, {cf}"),
                        (Some(_), None) => " · in anagrafe".into(),
                        _ => String::new(),
                    }
                ))));
            }
            empty(&mut out);
        }
        Contenuto::Dati(rows) => {
            for r in rows {
                out.push(Line::styled(
                    sanitize(&format!(
                        "Dal {}{} ({})",
                        italian(&r.dal),
                        r.al.as_deref()
                            .map(|a| format!(" al {}", italian(a)))
                            .unwrap_or_default(),
                        r.updated_by
                    )),
                    theme.dim(),
                ));
                if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&r.dati) {
                    let (_, specs) = app.config.form_def(d.sezione.code());
                    for (k, v) in &m {
                        let (label, v) = field_text(&specs, &d.liste, k, v);
                        out.push(kv(theme, &format!("  {label}"), &v));
                    }
                }
            }
            empty(&mut out);
        }
        Contenuto::Operatori(ops) => {
            if d.accesso.gestione {
                out.push(Line::styled(
                    "Ctrl+N: assegna un operatore o condividi il caso · Invio: cambia o termina",
                    theme.dim(),
                ));
            }
            for o in ops {
                out.push(Line::raw(sanitize(&format!(
                    "{}{}{} · dal {}{}",
                    o.operatore,
                    if o.responsabile {
                        " (responsabile)"
                    } else {
                        ""
                    },
                    if o.gestione_fascicolo {
                        " · gestione fascicolo"
                    } else {
                        ""
                    },
                    italian(&o.dal),
                    o.al.as_deref()
                        .map(|a| format!(" al {}", italian(a)))
                        .unwrap_or_default()
                ))));
            }
            for c in &d.condivisioni {
                out.push(Line::raw(sanitize(&format!(
                    "Condiviso con {}{} · dal {}{}",
                    c.nome,
                    if c.nascondi_informazioni {
                        " · informazioni nascoste"
                    } else {
                        " · cartella visibile"
                    },
                    italian(&c.dal),
                    c.al.as_deref()
                        .map(|a| format!(" al {}", italian(a)))
                        .unwrap_or_default()
                ))));
            }
            empty(&mut out);
        }
        Contenuto::Schede(rows) => {
            for (_, numero, data, esito) in rows {
                out.push(Line::raw(sanitize(&format!(
                    "Scheda n. {numero} del {} · esito {}",
                    italian(data),
                    esito.as_deref().unwrap_or("—")
                ))));
            }
            empty(&mut out);
            if let Some(por) = &d.por {
                out.push(Line::raw(""));
                out.push(Line::styled(
                    format!(
                        "Scheda POR (dalla scheda n. {} del {})",
                        por.numero,
                        italian(&por.data_accesso)
                    ),
                    theme.focus(),
                ));
                let (_, specs) = app.config.form_def("scheda");
                for (campo, valore) in &por.campi {
                    let v = serde_json::Value::from(valore.as_str());
                    let (label, valore) = field_text(&specs, &d.liste, campo, &v);
                    let valore = if campo == "por_data_sottoscrizione" {
                        italian(&valore)
                    } else {
                        valore
                    };
                    out.push(kv(theme, &label, &valore));
                }
            }
        }
        Contenuto::Cronologia(steps) => {
            for s in steps.iter().rev() {
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", italian(&s.data)), theme.dim()),
                    Span::styled(sanitize(&s.stato_label), theme.focus()),
                    Span::raw(sanitize(&format!(
                        " · {} ({}{}){}",
                        s.operatore,
                        s.ente,
                        s.ufficio
                            .as_deref()
                            .map(|u| format!(", {u}"))
                            .unwrap_or_default(),
                        s.target
                            .as_deref()
                            .map(|t| format!(" → segnalato a {t}"))
                            .unwrap_or_default()
                    ))),
                ]));
                let mut extra = Vec::new();
                if let Some(n) = &s.nota {
                    extra.push(format!("nota: {n}"));
                }
                if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&s.attributi)
                    && let Some(serde_json::Value::String(mc)) = m.get("motivo_chiusura")
                {
                    extra.push(format!("motivo: {}", caso::motivo_chiusura_label(mc)));
                }
                if !extra.is_empty() {
                    out.push(Line::raw(sanitize(&format!("    {}", extra.join(" · ")))));
                }
            }
            if !d.transizioni.is_empty() {
                out.push(Line::raw(""));
                let names: Vec<&str> = d.transizioni.iter().map(|t| t.etichetta.as_str()).collect();
                out.push(Line::styled(
                    sanitize(&format!("Ctrl+E per: {}", names.join(" · "))),
                    theme.dim(),
                ));
            }
        }
        Contenuto::Diario(rows) => {
            for x in rows {
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", italian(&x.data)), theme.dim()),
                    Span::styled(sanitize(&x.tipo), theme.focus()),
                    Span::raw(sanitize(&format!(
                        " · {}{}",
                        x.autore,
                        if x.riservato { " · RISERVATO" } else { "" }
                    ))),
                ]));
                out.push(Line::raw(sanitize(&format!("    {}", x.testo))));
            }
            empty(&mut out);
        }
        Contenuto::Pai(rows) => {
            if !rows.is_empty() {
                out.push(Line::styled(
                    "Invio: verifica, aggiorna o chiudi un progetto",
                    theme.dim(),
                ));
            }
            for p in rows {
                let due = p.data_chiusura.is_none() && p.prossima_verifica <= oggi;
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", italian(&p.data_inizio)), theme.dim()),
                    Span::styled(
                        if p.tipo == "pai" {
                            "PAI".to_string()
                        } else {
                            "Progetto individuale".into()
                        },
                        theme.focus(),
                    ),
                    Span::raw(sanitize(&format!(
                        " · verifica ogni {} mesi · prossima {}",
                        p.verifica_mesi,
                        italian(&p.prossima_verifica)
                    ))),
                    if due {
                        Span::styled(" · VERIFICA SCADUTA", theme.warning())
                    } else {
                        Span::raw("")
                    },
                ]));
                out.push(Line::raw(sanitize(&format!(
                    "    Motivazioni: {}",
                    p.motivazioni
                ))));
                for (label, o, r) in [
                    ("breve", &p.obiettivo_breve, p.raggiunto_breve),
                    ("medio", &p.obiettivo_medio, p.raggiunto_medio),
                    ("lungo", &p.obiettivo_lungo, p.raggiunto_lungo),
                ] {
                    if let Some(o) = o {
                        out.push(Line::raw(sanitize(&format!(
                            "    Obiettivo {label}: {o} (raggiunto: {})",
                            raggiunto(r)
                        ))));
                    }
                }
                if let (Some(dc), Some(m)) = (&p.data_chiusura, &p.motivo_chiusura) {
                    out.push(Line::raw(sanitize(&format!(
                        "    Chiuso il {}: {}",
                        italian(dc),
                        caso::motivo_chiusura_pai_label(m)
                    ))));
                }
            }
            empty(&mut out);
        }
        Contenuto::Isee(rows) => {
            for i in rows {
                out.push(Line::from(vec![
                    Span::raw(sanitize(&format!(
                        "{} · DSU {} · scadenza {} · ISE {} · scala {} · ISEE {}",
                        i.tipo,
                        italian(&i.data_dsu),
                        italian(&i.scadenza),
                        format_euro(i.ise_cents),
                        crate::domain::money::format_cents(i.scala_cents),
                        format_euro(i.isee_cents)
                    ))),
                    if i.scaduto(&oggi) {
                        Span::styled(" · SCADUTO", theme.warning())
                    } else {
                        Span::raw("")
                    },
                ]));
            }
            empty(&mut out);
        }
        Contenuto::Valutazioni(rows) => {
            for v in rows {
                let (title, specs) = app.config.form_def(&v.modulo);
                let title = if title.is_empty() {
                    v.modulo.clone()
                } else {
                    title
                };
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", italian(&v.data)), theme.dim()),
                    Span::styled(sanitize(&title), theme.focus()),
                    Span::raw(sanitize(&format!(
                        " · versione {} · {}",
                        v.modulo_versione, v.autore
                    ))),
                ]));
                if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&v.dati) {
                    for (k, val) in &m {
                        let (label, val) = field_text(&specs, &d.liste, k, val);
                        out.push(kv(theme, &format!("  {label}"), &val));
                    }
                }
            }
            empty(&mut out);
        }
        Contenuto::Documenti(rows) => {
            if !rows.is_empty() {
                out.push(Line::styled(
                    "Invio: copia di un documento nella cartella dell'ufficio",
                    theme.dim(),
                ));
            }
            for x in rows {
                out.push(Line::from(vec![
                    Span::styled(format!("{} ", italian(&x.data)), theme.dim()),
                    Span::styled(sanitize(&x.titolo), theme.focus()),
                    Span::raw(sanitize(&format!(
                        " · {} · {} KB{}",
                        x.tipo,
                        (x.size + 1023) / 1024,
                        if x.privato { " · PRIVATO" } else { "" }
                    ))),
                ]));
                if !x.nome_file.is_empty() {
                    out.push(Line::raw(sanitize(&format!(
                        "    n. {} · file {}",
                        x.id.unwrap_or_default(),
                        x.nome_file
                    ))));
                }
            }
            empty(&mut out);
        }
    }
    if !d.dalle_schede.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(
            "Dalle schede di accesso (dati riservati)",
            theme.dim(),
        ));
        for x in &d.dalle_schede {
            let s = &x.sensibili;
            let mut parts = Vec::new();
            if let Some(t) = &s.tessera_sanitaria {
                parts.push(format!("tessera sanitaria {t}"));
            }
            if s.stp {
                parts.push("STP".to_string());
            }
            if let Some(i) = s.invalidita {
                parts.push(format!("invalidità {i}%"));
            }
            for (ruolo, cf) in &s.terzi {
                parts.push(format!("c.f. {ruolo} {cf}"));
            }
            out.push(Line::raw(sanitize(&format!(
                "  Scheda n. {} del {}: {}",
                x.numero,
                italian(&x.data_accesso),
                parts.join(" · ")
            ))));
        }
    }
    if !d.riservati && matches!(d.sezione, Sezione::Diario) {
        out.push(Line::raw(""));
        out.push(Line::styled("Le voci riservate di altri operatori non sono visibili senza il permesso «dati riservati».", theme.dim()));
    }
    out
}

/// The lines the home screen shows for the social worker: cases by state, proposals, PAI and ISEE
/// due; and the operator's proposals refused by the cartella with their note.
pub fn home_lines(theme: &Theme, c: &ContatoriCasi) -> Vec<Line<'static>> {
    let mut out = vec![Line::raw("")];
    if c.proposte > 0
        || !c.per_stato.is_empty()
        || c.pai_da_verificare > 0
        || c.isee_in_scadenza > 0
    {
        let style = theme.accent(Area::Cartella);
        out.push(Line::styled(
            format!(" {} proposte da prendere in carico", c.proposte),
            style,
        ));
        out.push(Line::styled(
            format!(
                " {} verifiche PAI scadute · {} ISEE scaduti o in scadenza",
                c.pai_da_verificare, c.isee_in_scadenza
            ),
            style,
        ));
        let stati: Vec<String> = c
            .per_stato
            .iter()
            .map(|(l, n)| sanitize(&format!("{n} {}", l.to_lowercase())))
            .collect();
        // Wrapped to fit an 80-column terminal (the frame takes two).
        let mut line = " I miei casi:".to_string();
        if stati.is_empty() {
            line.push_str(" nessuno");
        }
        for (i, stato) in stati.iter().enumerate() {
            let piece = if i + 1 < stati.len() {
                format!(" {stato},")
            } else {
                format!(" {stato}")
            };
            if line.chars().count() + piece.chars().count() > 76 {
                out.push(Line::styled(std::mem::take(&mut line), style));
                line.push_str("   ");
            }
            line.push_str(&piece);
        }
        out.push(Line::styled(line, style));
    }
    for (persona, data, nota) in &c.respinte {
        out.push(Line::styled(
            sanitize(&format!(
                " Proposta respinta il {}: {persona} — {nota}",
                italian(data)
            )),
            theme.warning(),
        ));
    }
    out
}

/// The tabs `from..to` that fit in `width` columns with the `active` one among them (one column
/// kept on each side for the ‹ › marks of tabs off screen): from the first while it fits, else
/// ending on the active tab.
fn tab_window(widths: &[usize], active: usize, width: usize) -> (usize, usize) {
    let room = width.saturating_sub(2);
    let fits = |from: usize, to: usize| widths[from..to].iter().sum::<usize>() <= room;
    let mut from = 0;
    while from < active && !fits(from, active + 1) {
        from += 1;
    }
    let mut to = active + 1;
    while to < widths.len() && fits(from, to + 1) {
        to += 1;
    }
    (from, to)
}

#[cfg(test)]
mod tab_tests {
    use super::tab_window;

    #[test]
    fn the_active_tab_is_always_on_screen() {
        let widths = [12; 14];
        assert_eq!(tab_window(&widths, 0, 78), (0, 6));
        assert_eq!(tab_window(&widths, 5, 78), (0, 6));
        assert_eq!(tab_window(&widths, 13, 78), (8, 14));
        assert_eq!(tab_window(&widths, 9, 78), (4, 10));
        assert_eq!(tab_window(&[5, 5], 1, 78), (0, 2));
    }
}
