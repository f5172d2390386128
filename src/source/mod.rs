//! Sources: what to scan. `walk` lists the files of a working tree; git history and staged
//! changes join here later. Sources read nothing but metadata.

pub mod walk;
