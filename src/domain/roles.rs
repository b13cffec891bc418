//! Roles and the permission matrix: what each role may do.
//!
//! Kept simpler than SISO's AMProfiler (SISO-DOMAIN §4.2) with the same power: permissions are fixed
//! capabilities, roles grant sets of them, an operator holds one or more roles in their ente(s).

use std::fmt;

/// An operator's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Front desk: anagrafe, schede di accesso.
    Sportello,
    /// Social worker: presa in carico, cartella, PAI, diario.
    AssistenteSociale,
    /// Administrative staff: interventi, erogazioni, exports.
    Amministrativo,
    /// Head of office: everything in their ente, plus reports.
    Responsabile,
    /// Support: no personal data; pseudonymised views, replay logs, crash reports.
    Helpdesk,
    /// Accounts, code lists, configuration.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Sportello,
        Role::AssistenteSociale,
        Role::Amministrativo,
        Role::Responsabile,
        Role::Helpdesk,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Sportello => "sportello",
            Role::AssistenteSociale => "assistente_sociale",
            Role::Amministrativo => "amministrativo",
            Role::Responsabile => "responsabile",
            Role::Helpdesk => "helpdesk",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Sportello => "Operatore di sportello",
            Role::AssistenteSociale => "Assistente sociale",
            Role::Amministrativo => "Amministrativo",
            Role::Responsabile => "Responsabile",
            Role::Helpdesk => "Helpdesk",
            Role::Admin => "Amministratore",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim())
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// What this role may do.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Sportello => &[
                ReadAnagrafe,
                WriteAnagrafe,
                ReadSchede,
                WriteSchede,
                PrintSchede,
            ],
            Role::AssistenteSociale => &[
                ReadAnagrafe,
                WriteAnagrafe,
                ReadSchede,
                WriteSchede,
                PrintSchede,
                ReadCartella,
                WriteCartella,
            ],
            Role::Amministrativo => &[
                ReadAnagrafe,
                ReadSchede,
                ReadErogazioni,
                WriteErogazioni,
                Export,
            ],
            Role::Responsabile => &[
                ReadAnagrafe,
                WriteAnagrafe,
                ReadSchede,
                WriteSchede,
                EditOthersSchede,
                DeleteSchede,
                PrintSchede,
                ReadPrivateNotes,
                ReadCartella,
                WriteCartella,
                ReadAllCases,
                ReadErogazioni,
                WriteErogazioni,
                Export,
                Reports,
            ],
            Role::Helpdesk => &[ReadPseudonymised, ReadReplays, ReadCrashReports],
            Role::Admin => &[
                ManageAccounts,
                ManageCodes,
                ManageConfig,
                RestoreDeleted,
                ReadAudit,
            ],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A capability checked by the service layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ReadAnagrafe,
    WriteAnagrafe,
    ReadSchede,
    WriteSchede,
    EditOthersSchede,
    DeleteSchede,
    PrintSchede,
    ReadPrivateNotes,
    ReadCartella,
    WriteCartella,
    /// Every case of the operator's enti (otherwise only assigned, own and signalled ones).
    ReadAllCases,
    ReadErogazioni,
    WriteErogazioni,
    Export,
    Reports,
    ReadPseudonymised,
    ReadReplays,
    ReadCrashReports,
    ManageAccounts,
    ManageCodes,
    ManageConfig,
    RestoreDeleted,
    ReadAudit,
}

/// A set of roles, stored as a small bit set.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct RoleSet(u8);

impl RoleSet {
    pub fn from_roles(roles: &[Role]) -> RoleSet {
        RoleSet(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }

    /// Parses `ruolo1,ruolo2`; the error names the unknown role and lists the valid ones.
    pub fn parse_list(s: &str) -> Result<RoleSet, String> {
        let mut set = RoleSet::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match Role::parse(part) {
                Some(r) => set.0 |= r.bit(),
                None => {
                    return Err(format!(
                        "ruolo sconosciuto «{}»; ruoli validi: {}",
                        part,
                        Role::ALL.map(Role::code).join(", ")
                    ));
                }
            }
        }
        if set.is_empty() {
            return Err("indicare almeno un ruolo".into());
        }
        Ok(set)
    }

    /// Every role of the given sets.
    pub fn union(sets: impl IntoIterator<Item = RoleSet>) -> RoleSet {
        RoleSet(sets.into_iter().fold(0, |acc, s| acc | s.0))
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn from_bits(b: u8) -> RoleSet {
        RoleSet(b & 0b11_1111)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, r: Role) -> bool {
        self.0 & r.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    pub fn allows(self, p: Permission) -> bool {
        self.iter().any(|r| r.permissions().contains(&p))
    }

    /// `sportello,responsabile` — the stored and printed form.
    pub fn codes(self) -> String {
        self.iter().map(Role::code).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_list_round_trips_and_rejects_unknown() {
        let set = RoleSet::parse_list("responsabile, sportello").unwrap();
        assert_eq!(set.codes(), "sportello,responsabile");
        assert_eq!(RoleSet::from_bits(set.bits()), set);
        let err = RoleSet::parse_list("sportelo").unwrap_err();
        assert!(err.contains("sportelo") && err.contains("assistente_sociale"));
        assert!(RoleSet::parse_list("").is_err());
    }

    #[test]
    fn helpdesk_sees_no_personal_data_and_admin_no_cases() {
        let helpdesk = RoleSet::from_roles(&[Role::Helpdesk]);
        assert!(!helpdesk.allows(Permission::ReadAnagrafe));
        assert!(!helpdesk.allows(Permission::ReadSchede));
        let admin = RoleSet::from_roles(&[Role::Admin]);
        assert!(admin.allows(Permission::ManageAccounts));
        assert!(!admin.allows(Permission::ReadCartella));
        let front = RoleSet::from_roles(&[Role::Sportello]);
        assert!(front.allows(Permission::WriteSchede));
        assert!(!front.allows(Permission::DeleteSchede));
    }
}
