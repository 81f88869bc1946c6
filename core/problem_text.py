"""Problems worded for a person, in Danish or English: where (counted from 1, by title) and what.

A `Problem` carries an English message and a path for the API (`visions[1].headline`,
counted from 0). People read "Vision 2 «Det hele liv»: overskriften mangler". This module
words a problem from its code and values alone, so every text here is ours, never a
dependency's, and the API's wording stays as clients know it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import Problem
from core.labels import format_date
from core.shortening import shortened

LANGUAGES = ("da", "en")
TITLE_ROOM = 40  # characters of a user's title or value shown in a message
_BAD_CHARS = re.compile("[\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@dataclass(frozen=True)
class ProblemText:
    """One problem for a person: the part, the field in it, what is wrong, and the path."""

    part: str  # "Vision 2 «Det hele liv»"
    field: str  # "overskriften", or "" when the problem concerns the whole part
    what: str  # "mangler"
    path: str  # the API's path, for the technically minded

    @property
    def where(self) -> str:
        """Return the part and the field together: "Vision 2 «Det hele liv», overskriften"."""
        return f"{self.part}, {self.field}" if self.field else self.part

    @property
    def sentence(self) -> str:
        """Return the whole problem as one sentence: "Vision 2 «…»: overskriften mangler"."""
        if self.field:
            return f"{self.part}: {self.field} {self.what}"
        return f"{self.part}: {self.what}"


# What is wrong, by problem code: each follows its field ("overskriften mangler"). Values
# in braces come from the problem's args, worded by `_values`.
WHAT: dict[str, dict[str, str]] = {
    "da": {
        "missing": "mangler",
        "unknown_field": "feltet {field} findes ikke her",
        "too_long": "har for mange tegn: højst {max}",
        "empty": "skal udfyldes",
        "too_many": "har for mange punkter: højst {max}",
        "too_few": "skal have mindst {min}",
        "not_slug": (
            "må kun have små bogstaver (a–z), tal og bindestreger, højst 64 tegn, "
            "og skal begynde med et bogstav eller et tal"
        ),
        "not_choice": "skal være {choices}",
        "wrong_type": "skal være {wanted}, ikke {got}",
        "invalid": "er ugyldig ({detail})",
        "date_time": "skal være en dato uden klokkeslæt, skrevet ÅÅÅÅ-MM-DD",
        "date_unreal": "{value} er ikke en rigtig dato",
        "date_format": "{value} er ikke en dato skrevet ÅÅÅÅ-MM-DD, fx 2018-03-02",
        "date_type": "skal være en dato skrevet ÅÅÅÅ-MM-DD, ikke {got}",
        "long_word": "har et ord på {length} tegn uden mellemrum; højst {max}",
        "rich_runs": "har mere end {max} fremhævede, fede eller linkede passager",
        "rich_blocks": "har {count} afsnit og punkter; højst {max}",
        "rich_brackets": "har {count} kantede parenteser ([); højst {max}",
        "rich_emphasis": "har {count} fremhævningstegn (* og _); højst {max}",
        "rich_list_depth": "har lister i lister i mere end {max} niveauer",
        "rich_format_changes": (
            "skifter fremhævning mere end {max} gange inde i ét ord; "
            "sæt mellemrum mellem de fremhævede ord"
        ),
        "not_fields": (
            "skal være en samling navngivne felter (format, document, visions, …), ikke {got}"
        ),
        "format_unknown": "kan ikke læses her: kun {expected} kan læses, ikke {value}",
        "format_type": "skal være teksten {expected}, ikke {got}",
        "control_character": "indeholder kontroltegnet {character} ved tegn {position}",
        "too_deep": "er indlejret mere end {max} niveauer",
        "key_not_text": "feltnavnet {key} er ikke tekst; feltnavne er ord som title eller id",
        "key_unusable": "et feltnavn indeholder et kontroltegn eller er længere end {max} tegn",
        "reserved_id": "{value} er et reserveret ord; vælg et andet id",
        "duplicate_id": "{value} bruges allerede af {first}",
        "unknown_vision": "ingen vision har id'et {value}",
        "unknown_target": (
            "{value} er hverken en vision, et succeskriterium eller et afsnit "
            "(og ikke en af {reserved})"
        ),
        "too_many_words": "har {count} ord; højst {max}: del det op",
        "too_many_blocks": "har {count} afsnit og punkter; højst {max} (flest i {largest})",
        "more_problems": "og {count} fejl mere",
        "malformed": "kunne ikke læses ({detail})",
        "input_empty": "er tomt",
        "input_encoding": "er gemt som {encoding}; gem det som UTF-8",
        "input_not_utf8": "er ikke gyldig UTF-8 (byte {byte})",
        "input_character": "har tegnet {character}, som ikke må stå i et dokument",
        "input_too_deep": "er indlejret for dybt (mere end {max} niveauer)",
        "json_syntax": "er ikke gyldig JSON{hint}",
        "json_constant": "har {value}, som ikke er et tal, JSON tillader",
        "yaml_syntax": "er ikke gyldig YAML{hint}",
        "yaml_alias": "bruger et YAML-alias (*navn), og det er ikke tilladt",
        "yaml_tag": "bruger et YAML-tag ({tag}), og det er ikke tilladt",
        "number_too_long": (
            "har et tal med {digits} cifre; det er for langt "
            "(sæt anførselstegn om det, hvis det er tekst)"
        ),
        "number_too_large": "har tallet {value}, som er for stort",
        "number_not_allowed": "har {value}, som ikke er et tal, formatet tillader",
        "duplicate_key": "har nøglen {key} for anden gang",
        "key_not_plain": "har en nøgle, der er en liste eller en gruppe; en nøgle er et navn",
        # An uploaded Word file (core.wordfile): refusals, then what was left out.
        "word_not_zip": (
            "er ikke en Word-fil (.docx); upload den DOCX-fil, udkast har lavet til et "
            "udkast, eller skriv i editoren"
        ),
        "word_not_docx": (
            "er en ZIP-fil, men ikke et Word-dokument (.docx); upload den DOCX-fil, "
            "udkast har lavet til et udkast, eller skriv i editoren"
        ),
        "word_old_format": (
            "er gemt i Words gamle format (.doc) eller beskyttet med en adgangskode; "
            "gem det i Word som «Word-dokument (.docx)» uden adgangskode, og upload det igen"
        ),
        "word_strict": (
            "er gemt som «Strict Open XML-dokument»; gem det i Word som "
            "«Word-dokument (.docx)», og upload det igen"
        ),
        "word_macros": (
            "indeholder makroer (VBA), og den slags filer tages ikke imod; gem det i Word "
            "som «Word-dokument (.docx)» uden makroer, og upload det igen"
        ),
        "word_too_many_parts": "består af {count} dele (filer i ZIP-arkivet); højst {max}",
        "word_part_damaged": (
            "er beskadiget: delen {part} kan ikke læses; åbn det i Word, gem det igen, "
            "og upload det igen"
        ),
        "word_too_large": (
            "fylder mere end {size}, når det pakkes ud; fjern store billeder eller "
            "indlejrede filer, og upload det igen"
        ),
        "word_compression": (
            "har en del ({part}), der pakkes ud til mere end {max} gange sin størrelse; "
            "sådan en fil kan lægge serveren ned og tages ikke imod"
        ),
        "word_xml": (
            "er beskadiget: delen {part} er ikke gyldig XML; åbn det i Word, gem det igen, "
            "og upload det igen"
        ),
        "word_doctype": (
            "har en DOCTYPE- eller entity-erklæring i delen {part}; det skriver Word aldrig, "
            "og den slags filer tages ikke imod"
        ),
        "word_too_many_comments": (
            "har {count} kommentarer; højst {max}: slet de kommentarer, der er "
            "færdigbehandlet, og upload det igen"
        ),
        "word_linked_ignored": (
            "har sammenkædede filer i {place} (fx et billede, der hentes fra en adresse; "
            "{count} i alt); de blev ikke hentet og er sprunget over"
        ),
        "word_object_ignored": (
            "har indlejrede objekter i {place} (fx et Excel-ark eller et diagram; "
            "{count} i alt); de er sprunget over"
        ),
        "word_altchunk_ignored": (
            "har indhold importeret fra andre filer i {place} ({count} i alt); det er "
            "sprunget over: sæt teksten ind som almindelig tekst, hvis den skal med"
        ),
        "word_not_ours": (
            "er ikke lavet af udkast: den har ingen udkast-felter. Upload den Word-fil, "
            "udkast lavede til et udkast, eller skriv i editoren"
        ),
        "word_tables_kept": (
            "høringssvarenes tabel og forfatterne læses endnu ikke tilbage fra Word; de er "
            "taget fra udkastet"
        ),
        "word_foreign_control": (
            "har et indholdskontrolelement mærket «{tag}», som ikke er udkasts; teksten i "
            "det er sprunget over"
        ),
        "word_input_kept": (
            "har ikke længere en række for høringssvaret {input}; det er beholdt, fordi "
            "svaret hører til sagen: fjern det i editoren, hvis det skal væk"
        ),
        "word_unknown_group": (
            "har en gruppe «{group}» i tabellen over tegn på succes, som ingen vision "
            "hedder; rækkerne under den er lagt under gruppen før"
        ),
        "word_row_without_text": "har en række uden indikator i tabellen; den er sprunget over",
        "word_milestone_date": (
            "har en milepæl med datoen «{value}», som ikke kan læses som en dato (skriv "
            "fx 2. marts 2018); den er ikke ændret"
        ),
        "word_unknown_place": (
            "har feltet {tag}, som ikke findes i udkastet (fx en ny del); det er sprunget "
            "over: tilføj nye dele i editoren"
        ),
        "word_typed_outside": (
            "efterfølges af tekst skrevet uden for felterne, {value}; den er sprunget "
            "over: skriv den i et felt, eller i editoren"
        ),
        "word_typed_outside_more": (
            "har {count} afsnit mere skrevet uden for felterne; de er sprunget over"
        ),
        "word_revisions_accepted": (
            "havde {count} sporede ændringer; de er læst som godkendt: {who}"
        ),
        "word_revisions_rejected": "havde {count} sporede ændringer; de er læst som afvist: {who}",
        "word_revisions_refused": (
            "har {count} sporede ændringer ({who}); godkend eller afvis dem i Word, eller "
            "send filen med revisions=accept eller revisions=reject"
        ),
        "word_refused_on_warnings": (
            "blev ikke gemt, fordi der var advarsler, og filen skulle afvises ved "
            "advarsler (strict=true)"
        ),
        "word_comments_added": (
            "havde {count} nye kommentarer; de er blevet til høringssvar, der venter på "
            "et svar i næste udkast"
        ),
        "word_unknown_strategy": (
            "hører til strategien {slug}, som ikke har nogen version her endnu: upload "
            "først dens YAML eller JSON"
        ),
        "word_fields_lost": (
            "nævner sin strategi, men har ingen af udkasts felter: den er gemt af et "
            "program, der fjerner dem (det gør LibreOffice). Ret Word-filen i Microsoft "
            "Word, eller lav ændringerne i editoren"
        ),
        "word_template_untouched": (
            "havde {count} dele af skabelonen, som ikke var udfyldt (visioner, afsnit eller "
            "tabelrækker); de er udeladt"
        ),
        "word_template_slug_taken": (
            "giver strategien navnet {slug}, som allerede findes her med andet indhold: "
            "giv strategien en anden titel i Word-filen, eller lav et nyt udkast af "
            "den strategi"
        ),
        # Plain-language feedback (core.plain_language): warnings, never errors.
        "plain_headline_long": "har {count} ord; en overskrift, man kan huske, har højst {max}",
        "plain_vision_long": "har {count} ord; hold en visions tekst på højst {max}",
        "plain_lix_hard": (
            "har LIX {lix} ({band}); sigt efter under {max}: kortere sætninger og kortere ord"
        ),
        "plain_lix_hard_english": (
            "har LIX {lix} ({band}, målt på engelsk tekst, hvor LIX kun er en pejling); "
            "sigt efter under {max}"
        ),
        "plain_sentence_long": (
            "har i afsnit {paragraph} en sætning på {count} ord ({value}); "
            "højst {max} er lettere at læse"
        ),
        "plain_paragraph_long": (
            "har {count} ord i afsnit {paragraph}, et af de længste; del det op, eller kort det"
        ),
        "plain_no_baseline": "mangler: skriv tallet i dag med årstal",
        "plain_no_target": "mangler: skriv, hvad I vil nå, og hvornår",
        "plain_no_data_source": (
            "mangler: skriv, hvor tallet kommer fra (helst data, I allerede indsamler)"
        ),
        "plain_target_no_year": (
            "{value} har intet årstal: skriv, hvornår målet skal være nået, fx «75 % i 2020»"
        ),
    },
    "en": {
        "missing": "is missing",
        "unknown_field": "the field {field} does not belong here",
        "too_long": "is too long: at most {max} characters",
        "empty": "must be filled in",
        "too_many": "has too many entries: at most {max}",
        "too_few": "needs at least {min}",
        "not_slug": (
            "may hold only lower-case letters (a–z), digits and hyphens, at most 64, "
            "and must start with a letter or a digit"
        ),
        "not_choice": "must be {choices}",
        "wrong_type": "must be {wanted}, not {got}",
        "invalid": "is not valid ({detail})",
        "date_time": "must be a date without a time, written YYYY-MM-DD",
        "date_unreal": "{value} is not a real date",
        "date_format": "{value} is not a date written YYYY-MM-DD, e.g. 2018-03-02",
        "date_type": "must be a date written YYYY-MM-DD, not {got}",
        "long_word": "has a word of {length} characters without a space; at most {max}",
        "rich_runs": "has more than {max} emphasised, strong or linked passages",
        "rich_blocks": "has {count} paragraphs and list items; at most {max}",
        "rich_brackets": "has {count} square brackets ([); at most {max}",
        "rich_emphasis": "has {count} emphasis characters (* and _); at most {max}",
        "rich_list_depth": "has lists nested more than {max} levels deep",
        "rich_format_changes": (
            "changes emphasis more than {max} times inside one word; "
            "put spaces between the emphasised words"
        ),
        "not_fields": "must be a set of named fields (format, document, visions, …), not {got}",
        "format_unknown": "cannot be read here: only {expected} is read, not {value}",
        "format_type": "must be the text {expected}, not {got}",
        "control_character": "contains the control character {character} at character {position}",
        "too_deep": "is nested more than {max} levels deep",
        "key_not_text": "the field name {key} is not text; field names are words such as title",
        "key_unusable": "a field name holds a control character or is longer than {max}",
        "reserved_id": "{value} is a reserved word; choose another id",
        "duplicate_id": "{value} is already used by {first}",
        "unknown_vision": "no vision has the id {value}",
        "unknown_target": (
            "{value} names no vision, sign of success or section (nor one of {reserved})"
        ),
        "too_many_words": "has {count} words; at most {max}: split it",
        "too_many_blocks": (
            "has {count} paragraphs and list items; at most {max} (most in {largest})"
        ),
        "more_problems": "and {count} more problems",
        "malformed": "could not be read ({detail})",
        "input_empty": "is empty",
        "input_encoding": "is saved as {encoding}; save it as UTF-8",
        "input_not_utf8": "is not valid UTF-8 (byte {byte})",
        "input_character": "has the character {character}, which a document may not hold",
        "input_too_deep": "is nested too deeply (more than {max} levels)",
        "json_syntax": "is not valid JSON{hint}",
        "json_constant": "has {value}, which is not a number JSON allows",
        "yaml_syntax": "is not valid YAML{hint}",
        "yaml_alias": "uses a YAML alias (*name), which is not allowed",
        "yaml_tag": "uses a YAML tag ({tag}), which is not allowed",
        "number_too_long": (
            "has a number with {digits} digits, too long (put it in quotes if it is text)"
        ),
        "number_too_large": "has the number {value}, which is too large",
        "number_not_allowed": "has {value}, which is not a number this format allows",
        "duplicate_key": "has the key {key} a second time",
        "key_not_plain": "has a key that is a list or a group of fields; a key must be a name",
        "word_not_zip": (
            "is not a Word file (.docx); upload the DOCX udkast made for a draft, "
            "or write in the editor"
        ),
        "word_not_docx": (
            "is a ZIP file but not a Word document (.docx); upload the DOCX udkast made "
            "for a draft, or write in the editor"
        ),
        "word_old_format": (
            "is saved in Word's old format (.doc) or protected by a password; save it in "
            "Word as «Word Document (.docx)» without a password and upload it again"
        ),
        "word_strict": (
            "is saved as «Strict Open XML Document»; save it in Word as "
            "«Word Document (.docx)» and upload it again"
        ),
        "word_macros": (
            "contains macros (VBA), and such files are not accepted; save it in Word as "
            "«Word Document (.docx)», without macros, and upload it again"
        ),
        "word_too_many_parts": (
            "consists of {count} parts (files in the ZIP archive); at most {max}"
        ),
        "word_part_damaged": (
            "is damaged: the part {part} cannot be read; open it in Word, save it again "
            "and upload it again"
        ),
        "word_too_large": (
            "takes up more than {size} unpacked; remove large pictures or embedded files "
            "and upload it again"
        ),
        "word_compression": (
            "has a part ({part}) that unpacks to more than {max} times its size; such a "
            "file can bring the server down and is not accepted"
        ),
        "word_xml": (
            "is damaged: the part {part} is not valid XML; open it in Word, save it again "
            "and upload it again"
        ),
        "word_doctype": (
            "has a DOCTYPE or entity declaration in the part {part}; Word never writes "
            "one, and such files are not accepted"
        ),
        "word_too_many_comments": (
            "has {count} comments; at most {max}: delete the comments that are resolved "
            "and upload it again"
        ),
        "word_linked_ignored": (
            "has linked files in {place} (such as a picture fetched from an address; "
            "{count} in all); they were not fetched and were left out"
        ),
        "word_object_ignored": (
            "has embedded objects in {place} (such as an Excel sheet or a chart; "
            "{count} in all); they were left out"
        ),
        "word_altchunk_ignored": (
            "has content imported from other files in {place} ({count} in all); it was "
            "left out: paste the text in as ordinary text if it should be kept"
        ),
        "word_not_ours": (
            "was not made by udkast: it has no udkast fields. Upload the Word file udkast "
            "made for a draft, or write in the editor"
        ),
        "word_tables_kept": (
            "the consultation table and the authors are not read back from Word yet; they "
            "were taken from the draft"
        ),
        "word_foreign_control": (
            "has a content control tagged «{tag}», which is not udkast's; its text was left out"
        ),
        "word_input_kept": (
            "no longer has a row for the consultation input {input}; it was kept, since "
            "its answer is part of the record: remove it in the editor if it should go"
        ),
        "word_unknown_group": (
            "has a group «{group}» in the signs of success that no vision is called; its "
            "rows were put under the group before"
        ),
        "word_row_without_text": "has a row without an indicator in the table; it was left out",
        "word_milestone_date": (
            "has a milestone dated «{value}», which cannot be read as a date (write, say, "
            "2 March 2018); it was not changed"
        ),
        "word_unknown_place": (
            "has the field {tag}, which is not in the draft (a new part, say); it was left "
            "out: add new parts in the editor"
        ),
        "word_typed_outside": (
            "is followed by text typed outside the fields, {value}; it was left out: type "
            "it into a field, or in the editor"
        ),
        "word_typed_outside_more": (
            "has {count} more paragraphs typed outside the fields; they were left out"
        ),
        "word_revisions_accepted": "had {count} tracked changes; they were read as accepted: {who}",
        "word_revisions_rejected": "had {count} tracked changes; they were read as rejected: {who}",
        "word_revisions_refused": (
            "has {count} tracked changes ({who}); accept or reject them in Word, or send the "
            "file with revisions=accept or revisions=reject"
        ),
        "word_refused_on_warnings": (
            "was not stored because there were warnings and the file was to be refused "
            "on warnings (strict=true)"
        ),
        "word_comments_added": (
            "had {count} new comments; they became consultation input awaiting a response "
            "in the next draft"
        ),
        "word_unknown_strategy": (
            "belongs to the strategy {slug}, which has no version here yet: upload its YAML "
            "or JSON first"
        ),
        "word_fields_lost": (
            "names its strategy but holds none of udkast's fields: it was saved by a "
            "program that removes them (LibreOffice does). Edit the Word file in Microsoft "
            "Word, or make the changes in the editor"
        ),
        "word_template_untouched": (
            "had {count} parts of the template that were not filled in (visions, sections "
            "or table rows); they were left out"
        ),
        "word_template_slug_taken": (
            "names the strategy {slug}, which already exists here with other content: "
            "give the strategy another title in the Word file, or make a new draft of "
            "that strategy"
        ),
        # Plain-language feedback (core.plain_language): warnings, never errors.
        "plain_headline_long": "has {count} words; a headline people remember has at most {max}",
        "plain_vision_long": "has {count} words; keep a vision's text to at most {max}",
        "plain_lix_hard": (
            "has LIX {lix} ({band}); aim for under {max}: shorter sentences and shorter words"
        ),
        "plain_lix_hard_english": (
            "has LIX {lix} ({band}, measured on English text, where LIX is only a guide); "
            "aim for under {max}"
        ),
        "plain_sentence_long": (
            "has a sentence of {count} words in paragraph {paragraph} ({value}); "
            "at most {max} reads more easily"
        ),
        "plain_paragraph_long": (
            "has {count} words in paragraph {paragraph}, one of the longest; split or shorten it"
        ),
        "plain_no_baseline": "is missing: write today's figure with its year",
        "plain_no_target": "is missing: write what you aim for, and by when",
        "plain_no_data_source": (
            "is missing: write where the figure comes from (preferably data you already collect)"
        ),
        "plain_target_no_year": (
            "{value} names no year: write when it is to be reached, e.g. «75 % in 2020»"
        ),
    },
}

# The LIX bands (core.plain_language.BANDS), as Danish guides name them.
LIX_BANDS: dict[str, dict[str, str]] = {
    "da": {
        "very_easy": "meget let",
        "easy": "let",
        "medium": "middel",
        "hard": "svær",
        "very_hard": "meget svær",
    },
    "en": {
        "very_easy": "very easy",
        "easy": "easy",
        "medium": "medium",
        "hard": "hard",
        "very_hard": "very hard",
    },
}

HINTS: dict[str, dict[str, str]] = {
    "da": {
        "colon": (
            '; en værdi med kolon og mellemrum skal stå i anførselstegn, fx title: "Mål: 80 %"'
        ),
        "tab": "; ryk ind med mellemrum, ikke med tabulatortegn",
        "quote": (
            "; en tekst i anførselstegn er ikke afsluttet: slut den med det samme "
            "anførselstegn, som den begynder med"
        ),
    },
    "en": {
        "colon": '; a value holding a colon and a space needs quotes, e.g. title: "Goal: 80 %"',
        "tab": "; indent with spaces, not tabs",
        "quote": "; a quoted text is not closed: end it with the same quote it starts with",
    },
}

_TYPES = {
    "da": {
        "text": "tekst",
        "list": "en liste",
        "fields": "en gruppe af felter",
        "null": "tom (null)",
        "boolean": "sand/falsk",
        "number": "et tal",
        "other": "noget andet",
    },
    "en": {
        "text": "text",
        "list": "a list",
        "fields": "a group of fields",
        "null": "empty (null)",
        "boolean": "true/false",
        "number": "a number",
        "other": "something else",
    },
}

_WORDS = {
    "da": {
        "document": "Dokumentet",
        "line": "linje",
        "column": "kolonne",
        "or": "eller",
        "item": "punkt",
        "vision": "Vision {n}",
        "signs_of_success": "Succeskriterium {n}",
        "sections": "Afsnit {n}",
        "timeline": "Milepæl {n}",
        "consultation": "Høringssvar {n}",
        "of_vision": "(vision {title})",
        "from": "fra {title}",
        "word_document": "teksten",
        "word_header": "et sidehoved",
        "word_footer": "en sidefod",
        "word_footnotes": "fodnoterne",
        "word_endnotes": "slutnoterne",
        "word_comments": "kommentarerne",
        "word_part": "delen {part}",
    },
    "en": {
        "document": "The document",
        "line": "line",
        "column": "column",
        "or": "or",
        "item": "item",
        "vision": "Vision {n}",
        "signs_of_success": "Sign of success {n}",
        "sections": "Section {n}",
        "timeline": "Milestone {n}",
        "consultation": "Consultation input {n}",
        "of_vision": "(vision {title})",
        "from": "from {title}",
        "word_document": "the text",
        "word_header": "a header",
        "word_footer": "a footer",
        "word_footnotes": "the footnotes",
        "word_endnotes": "the endnotes",
        "word_comments": "the comments",
        "word_part": "the part {part}",
    },
}

# Field names as a person says them, in the form that begins a sentence's subject.
FIELDS: dict[str, dict[str, str]] = {
    "da": {
        "format": "formatet",
        "document": "dokumentoplysningerne",
        "foreword": "forordet",
        "visions": "visionerne",
        "signs_of_success": "succeskriterierne («Tegn på succes»)",
        "sections": "afsnittene",
        "timeline": "tidsplanen",
        "consultation": "høringssvarene",
        "slug": "kortnavnet (slug)",
        "title": "titlen",
        "subtitle": "undertitlen",
        "organisation": "organisationen",
        "language": "sproget",
        "status": "status",
        "draft_label": "udkastmærket",
        "date": "datoen",
        "authors": "forfatterne",
        "name": "navnet",
        "role": "rollen",
        "id": "id'et",
        "headline": "overskriften",
        "body": "teksten",
        "commitments": "«Det gør vi»",
        "vision": "visionen",
        "indicator": "indikatoren",
        "baseline": "udgangspunktet",
        "target": "målet",
        "data_source": "datakilden",
        "event": "begivenheden",
        "state": "status",
        "from": "afsenderen",
        "input": "inputtet",
        "response": "behandlingen",
        "affects": "«Vedrører»",
    },
    "en": {
        "format": "the format",
        "document": "the document details",
        "foreword": "the foreword",
        "visions": "the visions",
        "signs_of_success": "the signs of success",
        "sections": "the sections",
        "timeline": "the timeline",
        "consultation": "the consultation inputs",
        "slug": "the short name (slug)",
        "title": "the title",
        "subtitle": "the subtitle",
        "organisation": "the organisation",
        "language": "the language",
        "status": "the status",
        "draft_label": "the draft label",
        "date": "the date",
        "authors": "the authors",
        "name": "the name",
        "role": "the role",
        "id": "the id",
        "headline": "the headline",
        "body": "the text",
        "commitments": "«What we will do»",
        "vision": "the vision",
        "indicator": "the indicator",
        "baseline": "the baseline",
        "target": "the target",
        "data_source": "the data source",
        "event": "the event",
        "state": "the state",
        "from": "the sender",
        "input": "the input",
        "response": "the response",
        "affects": "«Concerns»",
    },
}
# Lists whose entries have a name of their own: "forfatter 2" rather than "punkt 2".
_ITEMS = {"da": {"authors": "forfatter {n}"}, "en": {"authors": "author {n}"}}
_PARTS = ("visions", "signs_of_success", "sections", "timeline", "consultation")


def codes() -> set[str]:
    """Return every problem code this module can word (the same in every language)."""
    return set(WHAT["da"])


def describe(problem: Problem, data: Any, language: str = "da") -> ProblemText:
    """Word one problem for a person in `language` ("da" or "en"), naming parts from `data`."""
    steps = steps_of(problem.path)
    extra: dict[str, str] = {}
    if problem.code == "unknown_field" and steps:
        # The unknown field's own name says nothing to a reader; the part it is in does.
        extra["field"] = _quote(str(steps[-1]))
        steps = steps[:-1]
    part, field = _where(steps, data, language)
    line = problem.arg("line")
    if line:
        # A document the loader refused has no parts yet: the place is a line and column.
        words = _WORDS[language]
        place = f"{words['line']} {line}"
        if problem.arg("column"):
            place += f", {words['column']} {problem.arg('column')}"
        field = f"{field}, {place}" if field else place
    return ProblemText(part, field, _what(problem, data, language, extra), problem.path)


def describe_all(problems: Iterable[Problem], data: Any, language: str = "da") -> list[ProblemText]:
    """Word every problem, in the order given."""
    return [describe(problem, data, language) for problem in problems]


def steps_of(path: str) -> list[str | int]:
    """Split an API path such as `visions[1].headline` into ["visions", 1, "headline"]."""
    return [int(index) if index else name for index, name in _STEP.findall(path)]


def _where(steps: list[str | int], data: Any, language: str) -> tuple[str, str]:
    words = _WORDS[language]
    if len(steps) >= 2 and steps[0] in _PARTS and isinstance(steps[1], int):
        return _part(str(steps[0]), steps[1], data, language), _field(steps[2:], language)
    rest = steps[1:] if steps[:1] == ["document"] else steps
    return words["document"], _field(rest, language)


def _part(kind: str, index: int, data: Any, language: str) -> str:
    """Name one entry of a list part: "Vision 2 «Det hele liv»", counted from 1."""
    words = _WORDS[language]
    item = _entry(data, kind, index)
    n = index + 1
    if kind == "visions":
        return _titled(words["vision"].format(n=n), item.get("title"))
    if kind == "signs_of_success":
        name = words["signs_of_success"].format(n=n)
        vision = _vision_title(data, item.get("vision"))
        if vision:
            return f"{name} {words['of_vision'].format(title=vision)}"
        return _titled(name, item.get("indicator"))
    if kind == "sections":
        return _titled(words["sections"].format(n=n), item.get("title"))
    if kind == "timeline":
        name = words["timeline"].format(n=n)
        when = _date_text(item.get("date"), language)
        return f"{name} ({when})" if when else _titled(name, item.get("event"))
    name = words["consultation"].format(n=n)
    sender = _text(item.get("from"))
    return f"{name} {words['from'].format(title=_quote(sender))}" if sender else name


def _field(steps: list[str | int], language: str) -> str:
    """Name a field inside a part: "overskriften", "«Det gør vi», punkt 2", "forfatter 1"."""
    names = FIELDS[language]
    out: list[str] = []
    for i, step in enumerate(steps):
        if isinstance(step, int):
            previous = steps[i - 1] if i else ""
            item = _ITEMS[language].get(str(previous))
            if item and out:
                out[-1] = item.format(n=step + 1)
            else:
                out.append(f"{_WORDS[language]['item']} {step + 1}")
        else:
            out.append(names.get(step) or _quote(step))
    return ", ".join(out)


def _what(problem: Problem, data: Any, language: str, extra: dict[str, str]) -> str:
    template = WHAT[language].get(problem.code) or WHAT[language]["invalid"]
    args = dict(problem.args)
    if problem.code not in WHAT[language] and "detail" not in args:
        args["detail"] = problem.message
    values = _Blank(_values(args, data, language))
    values.update(extra)
    return template.format_map(values)


class _Blank(dict[str, str]):
    """Values for a template, where a value the problem lacks reads as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def _values(args: Mapping[str, str], data: Any, language: str) -> dict[str, str]:
    """Word each value of a problem for a person."""
    out: dict[str, str] = {}
    for name, value in args.items():
        if name in ("value", "key", "tag", "expected"):
            out[name] = _quote(value)
        elif name in ("got", "wanted"):
            out[name] = _TYPES[language].get(value, value)
        elif name in ("choices", "reserved"):
            out[name] = _alternatives(value.split("|"), language)
        elif name == "offset":
            out["position"] = _number(str(int(value) + 1), language)
        elif name in ("count", "max", "min", "length", "digits", "lix", "paragraph"):
            out[name] = _number(value, language)
        elif name == "first":
            steps = steps_of(value)
            if steps and steps[-1] == "id":
                steps = steps[:-1]  # the part that has the id, not its id field
            out[name] = ", ".join(filter(None, _where(steps, data, language)))
        elif name == "largest":
            out[name] = "; ".join(_largest(value, data, language))
        elif name == "band":
            out[name] = LIX_BANDS[language].get(value, value)
        elif name == "hint":
            out[name] = HINTS[language].get(value, "")
        elif name == "place":
            # Where in a Word file: "et sidehoved", or the part's name if it has no word.
            part = _quote(args.get("part", ""))
            out[name] = _WORDS[language].get(f"word_{value}", "").format(part=part) or (
                _WORDS[language]["word_part"].format(part=part)
            )
        elif name == "part":
            out[name] = _quote(value)
        elif name == "size":
            out[name] = _bytes(value, language)
        else:
            out[name] = value
    return out


def _largest(value: str, data: Any, language: str) -> list[str]:
    out = []
    for item in filter(None, value.split("|")):
        path, _, count = item.rpartition("=")
        out.append(
            f"{', '.join(filter(None, _where(steps_of(path), data, language)))}: "
            f"{_number(count, language)}"
        )
    return out


def _alternatives(choices: list[str], language: str) -> str:
    quoted = [_quote(choice) for choice in choices if choice]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {_WORDS[language]['or']} {quoted[-1]}"


def _number(value: str, language: str) -> str:
    """Write a whole number with the language's thousands separator: 100.000 or 100,000."""
    if not value.isascii() or not value.isdigit():
        return value
    text = f"{int(value):,}"
    return text.replace(",", ".") if language == "da" else text


def _bytes(value: str, language: str) -> str:
    """Write a number of bytes as people read it: "50 MB", "1,5 MB", "200 KB"."""
    if not value.isascii() or not value.isdigit():
        return value
    n = int(value)
    amount, unit = (n / 1024**2, "MB") if n >= 1024**2 else (n / 1024, "KB")
    text = f"{amount:.1f}".removesuffix(".0")
    return f"{text.replace('.', ',') if language == 'da' else text} {unit}"


def _entry(data: Any, kind: str, index: int) -> dict[str, Any]:
    """Return the entry at `index` of a list part, or {} if the data has no such object."""
    items = data.get(kind) if isinstance(data, dict) else None
    item = items[index] if isinstance(items, list) and 0 <= index < len(items) else None
    return item if isinstance(item, dict) else {}


def _vision_title(data: Any, ref: Any) -> str:
    """Return the title of the vision an indicator names, or "" if none is found."""
    ref_text = _text(ref)
    if not ref_text:
        return ""
    items = data.get("visions") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and _text(item.get("id")) == ref_text:
            return _quote(_text(item.get("title")) or ref_text)
    return ""


def _date_text(value: Any, language: str) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return format_date(value, language)
    if isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value.strip()), language)
        except ValueError:
            return ""
    return ""


def _titled(name: str, title: Any) -> str:
    text = _text(title)
    return f"{name} {_quote(text)}" if text else name


def _text(value: Any) -> str:
    """Return a user's value as one line of text, or "" if it is not text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return " ".join(_BAD_CHARS.sub(" ", str(value)).split())


def _quote(value: str) -> str:
    """Quote a user's value «like this», on one line and shortened."""
    return f"«{shortened(_text(value), TITLE_ROOM)}»"
