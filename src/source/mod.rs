//! Where contract files come from: a directory, a file, a git revision or the staged index.
