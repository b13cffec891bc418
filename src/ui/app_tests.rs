//! Tests of the router (`app.rs`).

use super::*;

fn actor() -> Actor {
    Actor::system(None, None)
}

#[test]
fn stale_replies_are_dropped() {
    use super::super::operatori;
    let config = AppConfig::headless(true);
    let (mut app, _) = App::new(config);
    app.screen = Screen::Operatori(operatori::State::default());
    let ask = || Request::Operatori(operatori::Req::List { actor: actor() });
    let (Effect::Request(old_id, _), Effect::Request(new_id, _)) =
        (app.io.query(ask()), app.io.query(ask()))
    else {
        panic!()
    };
    let data = |n: &str| crate::service::organisation::OperatoriData {
        enti: vec![(1, n.to_string())],
        ..Default::default()
    };
    let reply = |d| Reply::Operatori(operatori::Rep::List(Ok(d)));
    app.update(Msg::Reply(new_id, reply(data("nuovo"))));
    app.update(Msg::Reply(old_id, reply(data("vecchio"))));
    let Screen::Operatori(operatori::State::List(o)) = &app.screen else {
        panic!()
    };
    assert_eq!(o.data.as_ref().unwrap().enti[0].1, "nuovo");
}
