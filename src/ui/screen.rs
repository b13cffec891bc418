//! What the router asks of every screen module's state: name, title, colour area, keymap layer, the
//! text field or form that takes typed keys, how it learns that its data is stale, and its view.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::app::App;
use super::keymap::Layer;
use super::theme::Area;
use super::widgets::form_screen::FormScreen;
use super::widgets::text_input::TextInput;

/// What every screen module's state tells the router. Defaults fit a screen without text fields or
/// forms in the system area.
pub trait ScreenState {
    /// Short name (logs, crash reports, tests).
    fn name(&self) -> &'static str;
    /// The title in the header bar.
    fn title(&self) -> &'static str;
    fn area(&self) -> Area {
        Area::Sistema
    }
    /// The keymap layer of the screen.
    fn layer(&self) -> Layer;
    /// The single-line text field that takes typed characters (search boxes, login).
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        None
    }
    /// Whether printable keys are text here, not commands.
    fn text_focus(&self) -> bool {
        self.form().is_some_and(|f| f.form.text_focus())
    }
    /// The form on screen (drafts, pastes, form keys go to it).
    fn form(&self) -> Option<&FormScreen> {
        None
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        None
    }
    /// A value of the form changed (the person form fills data from a typed codice fiscale).
    fn changed(&mut self, _today: time::Date) {}
    /// The data below changed (a save): ask again at the next refresh.
    fn stale(&mut self) {}
    /// Shown again after Esc closed the screen above it.
    fn on_return(&mut self) {}
    /// Draws the screen; returns where the cursor goes.
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position>;
}
