-- Prefix indexes for words of 4 to 7 letters as well (issue 21). FTS5 answers a prefix it has no
-- index for ("nguyen"*, "huong"*) by merging, up front, the doclists of every term that begins
-- with it: for the commonest family name that is a third of the roll, read whole before the first
-- hit. With an index of that length the prefix is one more term, read in roll order and stopped
-- at the page's limit. Seven letters hold every folded Vietnamese syllable ("nghieng",
-- "truong"); longer words (codes, ID card digits) are rare terms, cheap to merge.
--
-- The index is contentless, so it cannot be rebuilt from itself: the ledger's upgrade fills the
-- new one from `beneficiaries` with the same terms a roll load writes (`roll::search_terms`).
DROP TABLE beneficiary_search;
CREATE VIRTUAL TABLE beneficiary_search USING fts5(
    terms, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6 7'
);
