fn main() {
    std::process::exit(treaty::cli::main());
}
