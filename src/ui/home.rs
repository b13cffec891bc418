//! The home screen: who is logged in where, and the menu of the modules the role may use, with their
//! numbers of pending items.

use crate::domain::{Permission, RoleSet};

use super::theme::Area;

/// A module of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Module {
    Anagrafe,
    Schede,
    Cartella,
    Erogazioni,
    Export,
    Operatori,
    Codici,
    Audit,
    Assistenza,
}

impl Module {
    pub const ALL: [Module; 9] = [
        Module::Anagrafe,
        Module::Schede,
        Module::Cartella,
        Module::Erogazioni,
        Module::Export,
        Module::Operatori,
        Module::Codici,
        Module::Audit,
        Module::Assistenza,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Module::Anagrafe => "Ricerca anagrafe",
            Module::Schede => "Schede di accesso",
            Module::Cartella => "Presa in carico e cartella sociale",
            Module::Erogazioni => "Interventi ed erogazioni",
            Module::Export => "Esportazioni (SIUSS, Excel)",
            Module::Operatori => "Operatori e ruoli",
            Module::Codici => "Liste di codici",
            Module::Audit => "Registro degli accessi",
            Module::Assistenza => "Assistenza: segnalazioni e registrazioni",
        }
    }

    /// The permission that shows the module in the menu.
    pub fn permission(self) -> Permission {
        match self {
            Module::Anagrafe => Permission::ReadAnagrafe,
            Module::Schede => Permission::ReadSchede,
            Module::Cartella => Permission::ReadCartella,
            Module::Erogazioni => Permission::ReadErogazioni,
            Module::Export => Permission::Export,
            Module::Operatori => Permission::ManageAccounts,
            Module::Codici => Permission::ManageCodes,
            Module::Audit => Permission::ReadAudit,
            Module::Assistenza => Permission::ReadCrashReports,
        }
    }

    pub fn area(self) -> Area {
        match self {
            Module::Anagrafe | Module::Schede => Area::Accoglienza,
            Module::Cartella => Area::Cartella,
            Module::Erogazioni | Module::Export => Area::Erogazioni,
            _ => Area::Sistema,
        }
    }

    /// The modules a role set may use, in menu order.
    pub fn visible(roles: RoleSet) -> Vec<Module> {
        let mut v: Vec<Module> = Module::ALL
            .into_iter()
            .filter(|m| roles.allows(m.permission()))
            .collect();
        // The admin restores deleted schede from their list: last, so that the numbers of the
        // other entries do not change.
        if !v.contains(&Module::Schede) && roles.allows(Permission::RestoreDeleted) {
            v.push(Module::Schede);
        }
        v
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeState {
    pub selected: usize,
    pub data: Option<super::requests::HomeData>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn menu_follows_roles() {
        let front = Module::visible(RoleSet::from_roles(&[Role::Sportello]));
        assert_eq!(front, vec![Module::Anagrafe, Module::Schede]);
        let helpdesk = Module::visible(RoleSet::from_roles(&[Role::Helpdesk]));
        assert_eq!(helpdesk, vec![Module::Assistenza]);
        let admin = Module::visible(RoleSet::from_roles(&[Role::Admin]));
        assert!(admin.contains(&Module::Operatori) && !admin.contains(&Module::Anagrafe));
        assert!(admin.contains(&Module::Schede), "to restore deleted schede");
    }
}
