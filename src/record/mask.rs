//! Redaction of recorded data: every string a value holds becomes masked characters of the same
//! display width (letters `x`, digits `9`, the rest kept), so that a redacted replay shows the same
//! layout without the data. Works on any `Serialize` value through a serializer adapter that masks
//! `serialize_str`/`serialize_char` only: enum variant names, map keys and numbers pass unchanged,
//! so the masked value still deserializes into the same type.

use serde::Serialize;
use serde::ser::{self, Serializer};
use unicode_width::UnicodeWidthChar;

/// The masked form of `s`: same display width, letters `x`, digits `9`, punctuation and spaces kept.
pub fn mask_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphabetic() {
            for _ in 0..c.width().unwrap_or(1).max(1) {
                out.push('x');
            }
        } else if c.is_numeric() {
            out.push('9');
        } else {
            out.push(c);
        }
    }
    out
}

/// `value` with every string masked, as JSON.
pub fn masked_json<T: Serialize>(value: &T) -> Result<serde_json::Value, serde_json::Error> {
    value.serialize(Mask(serde_json::value::Serializer))
}

/// A value serialized with its strings masked.
struct Masked<'a, T: ?Sized>(&'a T);

impl<T: Serialize + ?Sized> Serialize for Masked<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Mask(s))
    }
}

/// The adapter: masks strings, passes everything else to the inner serializer.
struct Mask<S>(S);

macro_rules! pass {
    ($($f:ident($t:ty)),* $(,)?) => {
        $(fn $f(self, v: $t) -> Result<S::Ok, S::Error> { self.0.$f(v) })*
    };
}

impl<S: Serializer> Serializer for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Mask<S::SerializeSeq>;
    type SerializeTuple = Mask<S::SerializeTuple>;
    type SerializeTupleStruct = Mask<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Mask<S::SerializeTupleVariant>;
    type SerializeMap = Mask<S::SerializeMap>;
    type SerializeStruct = Mask<S::SerializeStruct>;
    type SerializeStructVariant = Mask<S::SerializeStructVariant>;

    pass!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_char(self, v: char) -> Result<S::Ok, S::Error> {
        let m = mask_text(&v.to_string());
        self.0.serialize_char(m.chars().next().unwrap_or(v))
    }
    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.0.serialize_str(&mask_text(v))
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Masked(v))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Masked(v))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &Masked(v))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Mask)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Mask)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Mask)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Mask)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Mask)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(Mask)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_struct_variant(name, index, variant, len)
            .map(Mask)
    }
}

impl<S: ser::SerializeSeq> ser::SerializeSeq for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
        self.0.serialize_element(&Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: ser::SerializeTuple> ser::SerializeTuple for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
        self.0.serialize_element(&Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: ser::SerializeTupleStruct> ser::SerializeTupleStruct for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
        self.0.serialize_field(&Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: ser::SerializeTupleVariant> ser::SerializeTupleVariant for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
        self.0.serialize_field(&Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: ser::SerializeMap> ser::SerializeMap for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    /// Keys stay: they are identifiers (code-list ids, field ids), not data.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), S::Error> {
        self.0.serialize_key(k)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), S::Error> {
        self.0.serialize_value(&Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: ser::SerializeStruct> ser::SerializeStruct for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, &Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: ser::SerializeStructVariant> ser::SerializeStructVariant for Mask<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, &Masked(v))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
    enum Kind {
        Plain,
        Named { nome: String, eta: u32 },
    }

    #[test]
    fn strings_are_masked_with_the_same_width_and_variants_survive() {
        assert_eq!(mask_text("Rossi Anna, 12/03"), "xxxxx xxxx, 99/99");
        assert_eq!(mask_text("Niccolò"), "xxxxxxx");
        let v = vec![
            Kind::Plain,
            Kind::Named {
                nome: "Bellucci".into(),
                eta: 54,
            },
        ];
        let json = masked_json(&v).unwrap();
        assert!(!json.to_string().contains("Bellucci"));
        let back: Vec<Kind> = serde_json::from_value(json).unwrap();
        assert_eq!(
            back,
            vec![
                Kind::Plain,
                Kind::Named {
                    nome: "xxxxxxxx".into(),
                    eta: 54
                }
            ]
        );
    }
}
