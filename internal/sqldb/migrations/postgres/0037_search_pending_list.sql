-- Search (package search): the GIN index over search_docs.tsv takes each
-- new text straight into its tree instead of into a pending list. With the
-- list (fastupdate, PostgreSQL's default), every search reads all of it,
-- up to gin_pending_list_limit (4 MB), until a vacuum or the insert that
-- overflows it moves it into the tree: at 100k applications, 2,000 texts
-- pending made a search for one candidate's email six times slower (0.5
-- to 3.2 ms), and the insert that overflows the list pays for all of it.
-- A text costs about twice as much to add (2,000 in one statement on a
-- busy 2-core machine: 3.9-4.5 s, against 1.6-1.8 s into the list and
-- 0.06-0.28 s to move the list into the tree), a millisecond or so for
-- each text, and texts are written a few at a time.
--
-- Only on this dialect:
ALTER INDEX search_docs_tsv SET (fastupdate = off);
-- Turning the list off leaves what is in it; this moves it into the tree.
SELECT gin_clean_pending_list('search_docs_tsv');
