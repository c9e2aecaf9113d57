"""read_table: every odd-but-valid file loads with the right columns and values; every bad one gives a
DataError whose message names the problem. All files are generated here."""
import gzip
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from nnlab.data.csv_reader import MAX_BYTES, ReadResult, decode, detect_delimiter, read_table
from nnlab.data.dataset import DataError


def read(text, encoding="utf-8", **kw):
    return read_table(text.encode(encoding), **kw)


def assert_error(data, *words, **kw):
    with pytest.raises(DataError) as info:
        read_table(data if isinstance(data, bytes) else data.encode("utf-8"), **kw)
    message = str(info.value)
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    return message


# ---------------------------------------------------------------- odd but valid

def test_plain_comma_file_types_and_values():
    r = read("a,b,c\n1,2.5,x\n3,4.5,y\n")
    assert isinstance(r, ReadResult)
    assert (r.encoding, r.delimiter, r.has_header, r.notices) == ("utf-8", ",", True, [])
    assert list(r.frame.columns) == ["a", "b", "c"]
    assert r.frame["a"].dtype == np.int64 and r.frame["a"].tolist() == [1, 3]
    assert r.frame["b"].dtype == np.float64 and r.frame["b"].tolist() == [2.5, 4.5]
    assert r.frame["c"].tolist() == ["x", "y"]


@pytest.mark.parametrize("delim", [";", "\t", "|"])
def test_other_delimiters(delim):
    rows = [["x", "y", "label"], ["1", "2", "a"], ["3", "4", "b"], ["5", "6", "a"]]
    r = read("\n".join(delim.join(row) for row in rows) + "\n")
    assert r.delimiter == delim
    assert list(r.frame.columns) == ["x", "y", "label"]
    assert r.frame["y"].tolist() == [2, 4, 6]
    assert r.frame["label"].tolist() == ["a", "b", "a"]


def test_tsv_extension_prefers_tab_when_both_fit():
    text = "a\tb,c\n1\t2,3\n4\t5,6\n"
    assert read(text, filename="data.tsv").delimiter == "\t"


def test_latin1_with_accented_headers_and_decimal_comma():
    data = "café;größe;über\n1,5;2;ja\n3,25;4;nein\n".encode("latin-1")
    r = read_table(data)
    assert r.encoding == "cp1252"
    assert any("not UTF-8" in n for n in r.notices)
    assert list(r.frame.columns) == ["café", "größe", "über"]
    assert r.frame["café"].tolist() == [1.5, 3.25]
    assert any("decimal comma" in n for n in r.notices)
    assert r.frame["größe"].tolist() == [2, 4]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1():
    data = b"name,v\nA\x81B,1\nC,2\n"  # 0x81 has no character in cp1252
    r = read_table(data)
    assert r.encoding == "latin-1"
    assert r.frame["name"].tolist() == ["A\x81B", "C"]


def test_utf8_bom_with_chinese_and_cyrillic_headers():
    data = "\ufeff名前,Имя,значение\n1,2,3\n4,5,6\n".encode("utf-8")
    r = read_table(data)
    assert r.encoding == "utf-8-sig"
    assert list(r.frame.columns) == ["名前", "Имя", "значение"]
    assert r.frame["значение"].tolist() == [3, 6]


@pytest.mark.parametrize("codec, expected", [("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be"),
                                             ("utf-16-le", "utf-16-le"), ("utf-32", "utf-32-le")])
def test_utf16_and_utf32(codec, expected):
    text = "temp\tstadt\n21.5\tKöln\n19\tWien\n"
    if codec == "utf-16-be":
        data = b"\xfe\xff" + text.encode("utf-16-be")  # with a BOM
    else:
        data = text.encode(codec)  # utf-16/utf-32 add a LE BOM; utf-16-le has none
    r = read_table(data)
    assert r.encoding == expected
    assert r.delimiter == "\t"
    assert r.frame["temp"].tolist() == [21.5, 19.0]
    assert r.frame["stadt"].tolist() == ["Köln", "Wien"]


def test_no_header_gets_generated_names_and_a_notice():
    r = read("1,2,0\n3,4,1\n5,6,0\n")
    assert not r.has_header
    assert list(r.frame.columns) == ["column 1", "column 2", "column 3"]
    assert r.frame["column 1"].tolist() == [1, 3, 5]
    assert any("column 1" in n and "data" in n for n in r.notices)


def test_header_can_be_forced_either_way():
    assert read("1,2\n3,4\n", header=True).frame.columns.tolist() == ["1", "2"]
    r = read("a,b\n1,2\n", header=False)
    assert r.frame["column 1"].tolist() == ["a", "1"]


def test_all_text_table_header_detected_when_its_words_do_not_reappear():
    r = read("colour,size\nred,big\nblue,small\nred,small\n")
    assert r.has_header and list(r.frame.columns) == ["colour", "size"]
    r = read("yes,no\nno,yes\nyes,yes\n")
    assert not r.has_header and len(r.frame) == 3


def test_quoted_fields_with_commas_quotes_and_newlines():
    text = 'name,note,v\n"Smith, J.","said ""hi""",1\n"Doe","two\nlines",2\n'
    r = read(text)
    assert r.frame["name"].tolist() == ["Smith, J.", "Doe"]
    assert r.frame["note"].tolist() == ['said "hi"', "two\nlines"]
    assert r.frame["v"].tolist() == [1, 2]


def test_crlf_and_lone_cr_line_endings():
    for newline in ["\r\n", "\r"]:
        r = read(newline.join(["a,b", "1,2", "3,4", ""]))
        assert r.frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_blank_lines_whitespace_and_trailing_empty_rows_are_ignored():
    r = read("a , b\n\n 1 , 2 \n   \n3,4\n,\n")
    assert r.frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_missing_values_become_nan_in_numeric_and_text_columns():
    r = read("x,y,z\n1,a,\n,b,2\nNA,c,3\n4,null,N/A\n#N/A,d,NaN\n")
    assert r.frame["x"].isna().tolist() == [False, True, True, False, True]
    assert r.frame["x"].dtype == np.float64
    assert r.frame["y"].isna().tolist() == [False, False, False, True, False]
    assert r.frame["z"].tolist()[1:3] == [2.0, 3.0]
    assert r.frame["z"].isna().sum() == 3
    # written marks are said, with their columns and counts; empty cells need no words
    assert r.notices == ["Column 'x': read 'NA' in 1 cell and '#N/A' in 1 cell as missing.",
                         "Column 'y': read 'null' in 1 cell as missing.",
                         "Column 'z': read 'N/A' in 1 cell and 'NaN' in 1 cell as missing."]


def test_words_that_may_mean_missing_stay_values_with_a_notice():
    rows = ["pets,age"] + [f"{'none' if i % 3 == 0 else 'cat'},{20 + i}" for i in range(99)] + ["?,5", "-,6"]
    r = read("\n".join(rows) + "\n")
    assert r.frame["pets"].value_counts().to_dict() == {"cat": 66, "none": 33, "?": 1, "-": 1}
    assert r.frame["pets"].notna().all() and r.frame["age"].dtype == np.int64
    assert r.notices == ["Column 'pets': 'none' in 33 cells, '?' in 1 cell and '-' in 1 cell may mean a missing "
                         "value; kept as values unless you choose to treat them as missing."]
    one = read("a,b\nx,1\nNone,2\ny,3\n")
    assert one.frame["a"].tolist() == ["x", "None", "y"]
    assert one.notices == ["Column 'a': 'None' in 1 cell may mean a missing value; kept as a value unless you "
                           "choose to treat it as missing."]


def test_numbers_with_a_placeholder_stay_text_until_confirmed():
    r = read("x;weight\n1;12,5\n2;?\n3;14\n4;?\n", filename="w.csv")
    assert r.frame["weight"].tolist() == ["12.5", "?", "14", "?"]  # decimal comma read, '?' kept
    assert r.notices == ["Column 'weight': read a decimal comma as a decimal point (e.g. '12,5').",
                         "Column 'weight' holds numbers, except '?' in 2 cells that may mean a missing value; it is "
                         "read as text until you choose to treat them as missing."]


def test_mixed_categorical_numeric_and_boolean_columns():
    r = read("age,city,member,score\n31,Oslo,true,1.5\n42,Rome,FALSE,2\n28,Oslo,True,\n")
    f = r.frame
    assert f["age"].tolist() == [31, 42, 28]
    assert f["city"].tolist() == ["Oslo", "Rome", "Oslo"]
    assert str(f["member"].dtype) == "boolean" and f["member"].tolist() == [True, False, True]
    assert f["score"].tolist()[:2] == [1.5, 2.0] and np.isnan(f["score"].iloc[2])


def test_duplicate_column_names_renamed_with_notice():
    r = read("a,a,b,a (2)\n1,2,3,4\n")
    assert list(r.frame.columns) == ["a", "a (3)", "b", "a (2)"]
    assert r.frame["a (3)"].tolist() == [2]
    assert any("Duplicate" in n and "a (3)" in n for n in r.notices)


def test_trailing_separator_column_dropped_and_unnamed_column_named():
    r = read(",x,y,\n0,1,2,\n1,3,4,\n")
    assert list(r.frame.columns) == ["column 1", "x", "y"]
    assert r.frame["column 1"].tolist() == [0, 1]
    assert any("Dropped 1 empty column" in n for n in r.notices)
    assert any("no name" in n for n in r.notices)


def test_inf_text_is_missing_with_notice():
    r = read("a,b\n1,inf\n2,-Infinity\n3,4\n")
    assert r.frame["b"].isna().tolist() == [True, True, False]
    assert r.frame["b"].iloc[2] == 4.0
    assert any("'b'" in n and "2 infinite values" in n for n in r.notices)


def test_whitespace_separated_txt():
    r = read("x y  label\n1 2  a\n3 4  b\n", filename="data.txt")
    assert r.delimiter == " "
    assert r.frame.to_dict("list") == {"x": [1, 3], "y": [2, 4], "label": ["a", "b"]}


def test_delimiter_can_be_forced():
    r = read("a;b,c\n1;2,3\n", delimiter=",")
    assert list(r.frame.columns) == ["a;b", "c"]


def test_detect_delimiter_prefers_consistent_split():
    assert detect_delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n")[0] == ";"
    assert detect_delimiter('name,desc\nfoo,"a;b"\nbar,"c;d;e"\n')[0] == ","


def test_decode_reports_codec():
    assert decode("é".encode())[:2] == ("é", "utf-8")
    assert decode("é".encode("cp1252"))[:2] == ("é", "cp1252")
    assert decode("\ufeffé".encode("utf-8"))[:2] == ("é", "utf-8-sig")


def test_larger_file_round_trips_through_pandas():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"f1": rng.normal(size=2000), "f2": rng.integers(0, 5, 2000),
                       "cls": rng.choice(["u", "v"], 2000)})
    r = read_table(df.to_csv(index=False).encode())
    np.testing.assert_allclose(r.frame["f1"], df["f1"])
    assert r.frame["f2"].tolist() == df["f2"].tolist()
    assert r.frame["cls"].tolist() == df["cls"].tolist()


# ---------------------------------------------------------------- bad files

@pytest.mark.parametrize("data", [b"", b"   \n\n\r\n", b"\n\t\n"])
def test_empty_file(data):
    assert_error(data, "empty")


def test_header_only():
    assert_error("a,b,c\n", "header row (a, b, c)", "no data rows")
    assert_error("a,b,c\r\n\r\n", "no data rows")


def test_only_separators():
    assert_error(",,\n,,\n", "no values")


def test_one_column():
    assert_error("x\n1\n2\n3\n", "only one column", "target", "feature")


def test_ragged_row_too_many_fields_names_the_line():
    msg = assert_error("a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n", "line 3", "4 fields", "line 1 has 3")
    assert "quotes" in msg


def test_ragged_row_too_few_fields_names_the_line():
    assert_error("a;b;c\n1;2;3\n4;5;6\n\n7;8\n", "line 5", "2 fields", "line 1 has 3", "semicolon")


def test_ragged_line_number_counts_quoted_newlines():
    assert_error('a,b\n"x\ny",1\n2,3,4\n', "line 4 has 3 fields")


def test_unclosed_quote():
    assert_error('a,b\n1,2\n3,"4\n5,6\n', "never closed", "line 3")


@pytest.mark.parametrize("magic, what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "PDF document"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
])
def test_binary_magic_numbers(magic, what):
    assert_error(magic, "binary file", what)


def test_zip_and_gzip_files():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.csv", "a,b\n1,2\n")
    assert_error(buf.getvalue(), "binary", "ZIP archive", "xlsx")
    assert_error(gzip.compress(b"a,b\n1,2\n"), "binary", "gzip")


def test_nul_bytes_mean_binary():
    assert_error(b"a,b\n1,\x002\n3,4\n", "binary", "NUL")


def test_control_characters_mean_binary():
    data = bytes(np.random.default_rng(0).integers(1, 32, 400, dtype=np.uint8))
    assert_error(data, "binary", "control")


def test_bom_but_invalid_utf8():
    assert_error(b"\xef\xbb\xbfa,b\n\xff\xfe\xfd,1\n", "utf-8", "cannot be decoded", "re-save")


def test_odd_length_utf16():
    assert_error(b"\xff\xfe" + "a,b\n1,2\n".encode("utf-16-le") + b"\x00", "utf-16", "cannot be decoded")


def test_value_too_large_for_float32_names_the_column():
    assert_error("a,big\n1,2\n3,1e39\n", "column 'big'", "too large", "3.4e38", "data row 2")
    assert_error("a,big\n1,2\n3,-5e300\n", "column 'big'", "too large")
    read("a,b\n1,3e38\n2,-3e38\n")  # just inside float32's range


def test_too_big_file():
    assert_error(b"a,b\n" + b"1,2\n" * 100, "limit is 0 MB", max_bytes=100)
    assert MAX_BYTES == 50 * 2**20


def test_bad_arguments():
    with pytest.raises(DataError, match="delimiter"):
        read("a,b\n1,2\n", delimiter=":")
    with pytest.raises(DataError, match="header"):
        read("a,b\n1,2\n", header="yes")
    with pytest.raises(TypeError):
        read_table("a,b\n1,2\n")
