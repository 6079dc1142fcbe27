//! Breaking-change checks between two linked revisions.
