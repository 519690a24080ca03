"""A "j" sounds as a "y" too: `Person.sounds` codes each word as written and with its j's
written y, and so does the search's query (`word_sounds`, one definition for both).

Names transliterated from Hebrew, Arabic or a Slavic language write one sound "y" in
French ("Benyamin", "Iouri") where English and German tradition write it "j"
("Benjamin", "Jurij"). Double Metaphone gives a word-initial J an alternate code as a Y
("Joav", "Yoav") but not one inside a word: "Benjamin" codes PNJM, "Benyamin" PNMN, and
"Benyamin Netanyahou" did not sound like Benjamin Netanyahu. With the codes of the word
with "y" for "j" beside its own, on both sides, either spelling meets the other.
"""

from django.db import migrations

# 0005's name_sounds, restored when this migration is reversed.
NAME_SOUNDS_0005 = """
CREATE OR REPLACE FUNCTION public.name_sounds(name text, other_names text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT s.code ORDER BY s.code), '{}')
    FROM public.sounded_words(
        coalesce(name, '') || ' ' || coalesce(array_to_string(other_names, ' '), '')
    ) AS w(word)
    CROSS JOIN LATERAL (
        VALUES (public.dmetaphone(w.word)), (public.dmetaphone_alt(w.word))
    ) AS s(code)
    WHERE s.code <> ''
$$;
UPDATE warrants_person SET sounds = public.name_sounds(name, other_names);
DROP FUNCTION IF EXISTS public.word_sounds(text);
"""

# `word` is one of sounded_words' (folded: lower case, Latin letters only).
NAME_SOUNDS = """
CREATE OR REPLACE FUNCTION public.word_sounds(word text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT ARRAY[public.dmetaphone(word), public.dmetaphone_alt(word),
                 public.dmetaphone(replace(word, 'j', 'y')),
                 public.dmetaphone_alt(replace(word, 'j', 'y'))]
$$;
CREATE OR REPLACE FUNCTION public.name_sounds(name text, other_names text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT s.code ORDER BY s.code), '{}')
    FROM public.sounded_words(
        coalesce(name, '') || ' ' || coalesce(array_to_string(other_names, ' '), '')
    ) AS w(word)
    CROSS JOIN LATERAL unnest(public.word_sounds(w.word)) AS s(code)
    WHERE s.code <> ''
$$;
UPDATE warrants_person SET sounds = public.name_sounds(name, other_names);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("warrants", "0006_person_status_label_not_in_court_custody"),
    ]

    operations = [
        migrations.RunSQL(sql=NAME_SOUNDS, reverse_sql=NAME_SOUNDS_0005),
    ]
