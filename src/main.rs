fn main() -> Result<(), event_manager::startup::BoxError> {
    event_manager::cli::main()
}
