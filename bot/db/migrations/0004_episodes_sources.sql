-- Episodes values get a source each: count, runtime and rating can come from different
-- outlets with different confidence. Until now one confidence, source and note covered all
-- three; each value now gets its own copy of them under `bases`, and the shared note moves
-- into each value's basis. Entries and the before/after of every change are converted
-- alike, so /history reads the same and /undo restores the converted shape.
-- (json_patch drops keys whose patch value is NULL: unknown values get no basis.)
BEGIN;

UPDATE entry SET data = json_patch(data, json_object(
    'fields', json_object('note', NULL),
    'bases', json_object(
        'count', CASE WHEN json_extract(data, '$.fields.count') IS NOT NULL THEN json_object(
            'confidence', json_extract(data, '$.confidence'),
            'source_name', json_extract(data, '$.source_name'),
            'source_url', json_extract(data, '$.source_url'),
            'as_of', json_extract(data, '$.as_of'),
            'note', json_extract(data, '$.fields.note')) END,
        'runtime', CASE WHEN json_extract(data, '$.fields.runtime') IS NOT NULL THEN json_object(
            'confidence', json_extract(data, '$.confidence'),
            'source_name', json_extract(data, '$.source_name'),
            'source_url', json_extract(data, '$.source_url'),
            'as_of', json_extract(data, '$.as_of'),
            'note', json_extract(data, '$.fields.note')) END,
        'rating', CASE WHEN json_extract(data, '$.fields.rating') IS NOT NULL THEN json_object(
            'confidence', json_extract(data, '$.confidence'),
            'source_name', json_extract(data, '$.source_name'),
            'source_url', json_extract(data, '$.source_url'),
            'as_of', json_extract(data, '$.as_of'),
            'note', json_extract(data, '$.fields.note')) END)))
WHERE kind = 'episodes' AND data IS NOT NULL;

UPDATE change SET before = json_patch(before, json_object(
    'fields', json_object('note', NULL),
    'bases', json_object(
        'count', CASE WHEN json_extract(before, '$.fields.count') IS NOT NULL THEN json_object(
            'confidence', json_extract(before, '$.confidence'),
            'source_name', json_extract(before, '$.source_name'),
            'source_url', json_extract(before, '$.source_url'),
            'as_of', json_extract(before, '$.as_of'),
            'note', json_extract(before, '$.fields.note')) END,
        'runtime', CASE WHEN json_extract(before, '$.fields.runtime') IS NOT NULL THEN json_object(
            'confidence', json_extract(before, '$.confidence'),
            'source_name', json_extract(before, '$.source_name'),
            'source_url', json_extract(before, '$.source_url'),
            'as_of', json_extract(before, '$.as_of'),
            'note', json_extract(before, '$.fields.note')) END,
        'rating', CASE WHEN json_extract(before, '$.fields.rating') IS NOT NULL THEN json_object(
            'confidence', json_extract(before, '$.confidence'),
            'source_name', json_extract(before, '$.source_name'),
            'source_url', json_extract(before, '$.source_url'),
            'as_of', json_extract(before, '$.as_of'),
            'note', json_extract(before, '$.fields.note')) END)))
WHERE before IS NOT NULL AND entry_id IN (SELECT id FROM entry WHERE kind = 'episodes');

UPDATE change SET after = json_patch(after, json_object(
    'fields', json_object('note', NULL),
    'bases', json_object(
        'count', CASE WHEN json_extract(after, '$.fields.count') IS NOT NULL THEN json_object(
            'confidence', json_extract(after, '$.confidence'),
            'source_name', json_extract(after, '$.source_name'),
            'source_url', json_extract(after, '$.source_url'),
            'as_of', json_extract(after, '$.as_of'),
            'note', json_extract(after, '$.fields.note')) END,
        'runtime', CASE WHEN json_extract(after, '$.fields.runtime') IS NOT NULL THEN json_object(
            'confidence', json_extract(after, '$.confidence'),
            'source_name', json_extract(after, '$.source_name'),
            'source_url', json_extract(after, '$.source_url'),
            'as_of', json_extract(after, '$.as_of'),
            'note', json_extract(after, '$.fields.note')) END,
        'rating', CASE WHEN json_extract(after, '$.fields.rating') IS NOT NULL THEN json_object(
            'confidence', json_extract(after, '$.confidence'),
            'source_name', json_extract(after, '$.source_name'),
            'source_url', json_extract(after, '$.source_url'),
            'as_of', json_extract(after, '$.as_of'),
            'note', json_extract(after, '$.fields.note')) END)))
WHERE after IS NOT NULL AND entry_id IN (SELECT id FROM entry WHERE kind = 'episodes');

PRAGMA user_version = 4;
COMMIT;
