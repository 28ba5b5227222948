//! The one SQL text of a rule, as PostgreSQL reads it: SQLite's `?N` (and bare `?`) placeholders
//! become `$N`, and a list parameter read as SQLite's array table, `IN rarray(?N)`, becomes
//! `= ANY($N)` (a text array). Quoted text and identifiers are left alone. Only that spelling is
//! rewritten (upper-case `IN`, one space): any other reaches PostgreSQL as it is and is refused
//! when prepared (no function `rarray` there), which the hub's suite on PostgreSQL would show.

/// `sql` with PostgreSQL's placeholders.
pub fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next_bare = 1;
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    digits = next_bare.to_string();
                    next_bare += 1;
                }
                out.push('$');
                out.push_str(&digits);
            }
            (None, 'I')
                if !out.ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    && chars.clone().take(LIST_TAIL.len()).eq(LIST_TAIL.chars()) =>
            {
                out.push_str("= ANY(");
                chars.nth(LIST_TAIL.len() - 1);
            }
            (None, c) => out.push(c),
        }
    }
    out
}

/// What follows the `I` of SQLite's `IN rarray(` (see the module's note).
const LIST_TAIL: &str = "N rarray(";

#[cfg(test)]
mod tests {
    use super::to_postgres;

    #[test]
    fn numbered_and_bare_placeholders_become_dollar_numbers_outside_quotes() {
        assert_eq!(
            to_postgres("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?3' AND \"e?\" = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?3' AND \"e?\" = $1"
        );
        assert_eq!(
            to_postgres("VALUES (?, ?, 'it''s ?')"),
            "VALUES ($1, $2, 'it''s ?')"
        );
    }

    #[test]
    fn a_list_read_as_sqlites_array_table_becomes_any_of_an_array() {
        assert_eq!(
            to_postgres(
                "SELECT code FROM t WHERE p = ?1 AND code IN rarray(?2) AND x = 'IN rarray(?3)'"
            ),
            "SELECT code FROM t WHERE p = $1 AND code = ANY($2) AND x = 'IN rarray(?3)'"
        );
        assert_eq!(
            to_postgres("SELECT MIN rarray(?1)"),
            "SELECT MIN rarray($1)"
        );
    }
}
