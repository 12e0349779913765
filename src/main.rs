fn main() -> Result<(), event_manager::box_error::BoxError> {
    event_manager::cli::main()
}
