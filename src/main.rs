// mimalloc: parsing a protobuf tree is millions of small allocations, which it serves faster
// than the system allocator (googleapis 4.0.0 -> 6.0.1 about a tenth faster, bench/run).
// Without transparent huge pages: with them it was faster still but held half as much memory
// again (GitHub 16 -> 23: 184 MB against 122 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(treaty::cli::main());
}
