//! The `sportello` binary: installs the error and panic reporting, runs the CLI, maps errors to exit codes.

fn main() {
    std::process::exit(sportello::cli::main());
}
