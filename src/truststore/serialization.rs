//! Just enough of the Java Object Serialization Stream Protocol (version 5) to find where one serialized
//! object ends, so that a JCEKS secret-key entry (a serialized `javax.crypto.SealedObject`) can be kept as
//! an opaque blob of exactly the right length.
//!
//! Nothing is deserialized: the walk follows the grammar (class descriptors, field values by type code,
//! arrays, strings, block data, back-references), checks every length against the remaining input, caps
//! nesting depth, and errors on anything it cannot size exactly rather than guess. Along the way it notes
//! the string and byte-array values of named fields, which is all that unsealing a key needs.

use crate::truststore::cursor::Cursor;

const STREAM_MAGIC: [u8; 4] = [0xac, 0xed, 0x00, 0x05];

const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_ARRAY: u8 = 0x75;
const TC_CLASS: u8 = 0x76;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_RESET: u8 = 0x79;
const TC_BLOCKDATALONG: u8 = 0x7a;
const TC_EXCEPTION: u8 = 0x7b;
const TC_LONGSTRING: u8 = 0x7c;
const TC_PROXYCLASSDESC: u8 = 0x7d;
const TC_ENUM: u8 = 0x7e;

const BASE_HANDLE: u32 = 0x7e_0000;

const SC_WRITE_METHOD: u8 = 0x01;
const SC_SERIALIZABLE: u8 = 0x02;
const SC_EXTERNALIZABLE: u8 = 0x04;
const SC_BLOCK_DATA: u8 = 0x08;

/// Deepest nesting of objects followed (a SealedObject nests three deep).
const MAX_DEPTH: u32 = 32;

/// The class the JDK's JCEKS engine writes (and the only one its deserialization filter lets through).
pub const SEALED_KEY_CLASS: &str = "com.sun.crypto.provider.SealedObjectForKeyProtector";

/// A string or byte-array field value, as raw bytes (strings in modified UTF-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// A `String`.
    Str(&'a [u8]),
    /// A `byte[]`.
    Bytes(&'a [u8]),
}

/// The length of the serialized stream (magic, version and one `SealedObjectForKeyProtector` object) at
/// the start of `bytes`.
pub fn sealed_object_len(bytes: &[u8]) -> Result<usize, String> {
    let mut p = Parser::new(bytes);
    walk_object(&mut p, Some(SEALED_KEY_CLASS)).map_err(|e| format!("sealed secret key: {e}"))?;
    Ok(p.cur.pos)
}

/// The string and byte-array values of the named fields of the one object serialized at the start of
/// `bytes` (stream header included): the first value seen for each name, at any depth.
pub fn object_fields(bytes: &[u8]) -> Result<Vec<(String, Value<'_>)>, String> {
    let mut p = Parser::new(bytes);
    walk_object(&mut p, None)?;
    Ok(p.captured)
}

fn walk_object(p: &mut Parser<'_>, class: Option<&str>) -> Result<(), String> {
    let magic = p.cur.take(4, "stream header")?;
    if magic != STREAM_MAGIC {
        return Err(format!(
            "stream header {} is not a Java serialization header (aced0005)",
            hex::encode(magic)
        ));
    }
    if p.cur.peek()? != TC_OBJECT {
        return Err(format!(
            "starts with type code 0x{:02x}, not an object",
            p.cur.peek()?
        ));
    }
    p.cur.pos += 1;
    let desc = p
        .class_desc()?
        .ok_or("object has a null class descriptor")?;
    let name = &p.descs[desc].name;
    if let Some(class) = class
        && name != class
    {
        return Err(format!("holds a {name}, not a {class}"));
    }
    p.handles.push(Handle::Other);
    p.class_data(desc)
}

/// What a handle refers to; class descriptors and strings need remembering.
enum Handle<'a> {
    Desc(usize),
    Str(&'a [u8]),
    Other,
}

/// What one `content` item was, as far as the walk cares.
enum Item<'a> {
    Nothing,
    Desc(usize),
    Value(Value<'a>),
}

struct ClassDesc {
    name: String,
    flags: u8,
    /// Field type codes and names in stream order.
    fields: Vec<(u8, String)>,
    superclass: Option<usize>,
}

struct Parser<'a> {
    cur: Cursor<'a>,
    handles: Vec<Handle<'a>>,
    descs: Vec<ClassDesc>,
    depth: u32,
    captured: Vec<(String, Value<'a>)>,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8]) -> Parser<'a> {
        Parser {
            cur: Cursor::new(bytes),
            handles: Vec::new(),
            descs: Vec::new(),
            depth: 0,
            captured: Vec::new(),
        }
    }

    /// A non-negative Java `int` count of items of `unit` bytes each, checked against what remains.
    fn count(&mut self, what: &str, unit: usize) -> Result<usize, String> {
        let n = self.cur.u32(what)?;
        if n > i32::MAX as u32 {
            return Err(format!("{what} {} is negative", n as i32));
        }
        let n = n as usize;
        if n.saturating_mul(unit) > self.cur.remaining() {
            return Err(format!(
                "{what} {n} needs more than the {} bytes left",
                self.cur.remaining()
            ));
        }
        Ok(n)
    }

    fn utf_bytes(&mut self, what: &str) -> Result<&'a [u8], String> {
        let n = usize::from(self.cur.u16(what)?);
        self.cur.take(n, what)
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("objects nest deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// One `content` item.
    fn object(&mut self) -> Result<Item<'a>, String> {
        self.enter()?;
        let tag = self.cur.u8("type code")?;
        let out = match tag {
            TC_NULL => Item::Nothing,
            TC_REFERENCE => self.reference()?,
            TC_CLASSDESC | TC_PROXYCLASSDESC => {
                self.cur.pos -= 1;
                self.class_desc()?.map_or(Item::Nothing, Item::Desc)
            }
            TC_OBJECT => {
                let desc = self
                    .class_desc()?
                    .ok_or("object with a null class descriptor")?;
                self.handles.push(Handle::Other);
                self.class_data(desc)?;
                Item::Nothing
            }
            TC_STRING => {
                let s = self.utf_bytes("string")?;
                self.handles.push(Handle::Str(s));
                Item::Value(Value::Str(s))
            }
            TC_LONGSTRING => {
                let b = self.cur.take(8, "long string length")?;
                let n = u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
                let n = usize::try_from(n).map_err(|_| "long string length overflows")?;
                let s = self.cur.take(n, "long string")?;
                self.handles.push(Handle::Str(s));
                Item::Value(Value::Str(s))
            }
            TC_ARRAY => {
                let desc = self
                    .class_desc()?
                    .ok_or("array with a null class descriptor")?;
                self.handles.push(Handle::Other);
                let element = self.descs[desc].name.as_bytes().get(1).copied();
                let unit = match element {
                    Some(b'B' | b'Z') => 1,
                    Some(b'C' | b'S') => 2,
                    Some(b'I' | b'F') => 4,
                    Some(b'J' | b'D') => 8,
                    Some(b'L' | b'[') => 0,
                    _ => {
                        return Err(format!(
                            "array class '{}' is not an array type",
                            self.descs[desc].name
                        ));
                    }
                };
                if unit == 0 {
                    let n = self.count("array length", 1)?;
                    for _ in 0..n {
                        self.object()?;
                    }
                    Item::Nothing
                } else {
                    let n = self.count("array length", unit)?;
                    let elements = self.cur.take(n * unit, "array elements")?;
                    if element == Some(b'B') {
                        Item::Value(Value::Bytes(elements))
                    } else {
                        Item::Nothing
                    }
                }
            }
            TC_CLASS => {
                self.class_desc()?;
                self.handles.push(Handle::Other);
                Item::Nothing
            }
            TC_ENUM => {
                self.class_desc()?;
                self.handles.push(Handle::Other);
                self.object()?;
                Item::Nothing
            }
            TC_RESET => {
                self.handles.clear();
                Item::Nothing
            }
            TC_EXCEPTION => return Err("stream records a serialization exception".to_owned()),
            t => {
                return Err(format!(
                    "unknown type code 0x{t:02x} at offset {}",
                    self.cur.pos - 1
                ));
            }
        };
        self.depth -= 1;
        Ok(out)
    }

    fn reference(&mut self) -> Result<Item<'a>, String> {
        let h = self.cur.u32("handle")?;
        let index = h.wrapping_sub(BASE_HANDLE) as usize;
        match self.handles.get(index) {
            Some(Handle::Desc(d)) => Ok(Item::Desc(*d)),
            Some(Handle::Str(s)) => Ok(Item::Value(Value::Str(s))),
            Some(Handle::Other) => Ok(Item::Nothing),
            None => Err(format!("reference to unknown handle 0x{h:08x}")),
        }
    }

    /// A `classDesc`: a new or proxy descriptor, a reference to one, or null.
    fn class_desc(&mut self) -> Result<Option<usize>, String> {
        self.enter()?;
        let tag = self.cur.u8("class descriptor")?;
        let out = match tag {
            TC_NULL => None,
            TC_REFERENCE => {
                let at = self.cur.pos;
                match self.reference()? {
                    Item::Desc(d) => Some(d),
                    _ => return Err(format!("handle at offset {at} is not a class descriptor")),
                }
            }
            TC_CLASSDESC => {
                let name = String::from_utf8_lossy(self.utf_bytes("class name")?).into_owned();
                self.cur.take(8, "serialVersionUID")?;
                let index = self.descs.len();
                self.handles.push(Handle::Desc(index));
                self.descs.push(ClassDesc {
                    name,
                    flags: 0,
                    fields: Vec::new(),
                    superclass: None,
                });
                let flags = self.cur.u8("class flags")?;
                let n = usize::from(self.cur.u16("field count")?);
                if n.saturating_mul(3) > self.cur.remaining() {
                    return Err(format!("field count {n} needs more than the bytes left"));
                }
                let mut fields = Vec::new();
                for _ in 0..n {
                    let code = self.cur.u8("field type")?;
                    let name = String::from_utf8_lossy(self.utf_bytes("field name")?).into_owned();
                    match code {
                        b'B' | b'C' | b'D' | b'F' | b'I' | b'J' | b'S' | b'Z' => {}
                        b'L' | b'[' => {
                            // the field's class name, as a string or a reference to one
                            self.object()?;
                        }
                        c => return Err(format!("unknown field type code 0x{c:02x}")),
                    }
                    fields.push((code, name));
                }
                self.annotation()?;
                let superclass = self.class_desc()?;
                let desc = &mut self.descs[index];
                desc.flags = flags;
                desc.fields = fields;
                desc.superclass = superclass;
                Some(index)
            }
            TC_PROXYCLASSDESC => {
                let index = self.descs.len();
                self.handles.push(Handle::Desc(index));
                self.descs.push(ClassDesc {
                    name: "<proxy>".to_owned(),
                    flags: SC_SERIALIZABLE,
                    fields: Vec::new(),
                    superclass: None,
                });
                let n = self.count("proxy interface count", 2)?;
                for _ in 0..n {
                    self.utf_bytes("proxy interface name")?;
                }
                self.annotation()?;
                let superclass = self.class_desc()?;
                self.descs[index].superclass = superclass;
                Some(index)
            }
            t => {
                return Err(format!(
                    "type code 0x{t:02x} where a class descriptor belongs"
                ));
            }
        };
        self.depth -= 1;
        Ok(out)
    }

    /// `classAnnotation` / `objectAnnotation`: contents up to `TC_ENDBLOCKDATA`.
    fn annotation(&mut self) -> Result<(), String> {
        loop {
            match self.cur.peek()? {
                TC_ENDBLOCKDATA => {
                    self.cur.pos += 1;
                    return Ok(());
                }
                TC_BLOCKDATA => {
                    self.cur.pos += 1;
                    let n = usize::from(self.cur.u8("block length")?);
                    self.cur.take(n, "block data")?;
                }
                TC_BLOCKDATALONG => {
                    self.cur.pos += 1;
                    let n = self.count("block length", 1)?;
                    self.cur.take(n, "block data")?;
                }
                _ => {
                    self.object()?;
                }
            }
        }
    }

    /// The field values of an object of class `desc`, superclass first.
    fn class_data(&mut self, desc: usize) -> Result<(), String> {
        let mut chain = vec![desc];
        let mut at = desc;
        while let Some(sup) = self.descs[at].superclass {
            if chain.len() > self.descs.len() {
                return Err("class descriptors form a cycle".to_owned());
            }
            chain.push(sup);
            at = sup;
        }
        for &d in chain.iter().rev() {
            let flags = self.descs[d].flags;
            if flags & SC_SERIALIZABLE != 0 {
                let fields = self.descs[d].fields.clone();
                for (code, name) in fields {
                    let size = match code {
                        b'B' | b'Z' => 1,
                        b'C' | b'S' => 2,
                        b'I' | b'F' => 4,
                        b'J' | b'D' => 8,
                        _ => 0,
                    };
                    if size != 0 {
                        self.cur.take(size, "field value")?;
                    } else if let Item::Value(v) = self.object()?
                        && !self.captured.iter().any(|(n, _)| *n == name)
                    {
                        self.captured.push((name, v));
                    }
                }
                if flags & SC_WRITE_METHOD != 0 {
                    self.annotation()?;
                }
            } else if flags & SC_EXTERNALIZABLE != 0 {
                if flags & SC_BLOCK_DATA == 0 {
                    return Err(format!(
                        "externalizable class '{}' without block data cannot be sized",
                        self.descs[d].name
                    ));
                }
                self.annotation()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf(s: &str) -> Vec<u8> {
        let mut v = (s.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(s.as_bytes());
        v
    }

    /// An object of class `class` with one `Object[] a` field, whose value nests `depth` arrays deep.
    fn nested(class: &str, depth: usize) -> Vec<u8> {
        let mut v = STREAM_MAGIC.to_vec();
        v.push(TC_OBJECT);
        v.push(TC_CLASSDESC);
        v.extend(utf(class));
        v.extend([0; 8]);
        v.extend([SC_SERIALIZABLE, 0, 1, b'[']);
        v.extend(utf("a"));
        v.push(TC_STRING);
        v.extend(utf("[Ljava.lang.Object;"));
        v.extend([TC_ENDBLOCKDATA, TC_NULL]);
        // handles: 0 class desc, 1 string, 2 the object; the first array's descriptor is handle 3
        v.push(TC_ARRAY);
        v.push(TC_CLASSDESC);
        v.extend(utf("[Ljava.lang.Object;"));
        v.extend([0; 8]);
        v.extend([SC_SERIALIZABLE, 0, 0, TC_ENDBLOCKDATA, TC_NULL]);
        v.extend(1u32.to_be_bytes());
        for _ in 1..depth {
            v.push(TC_ARRAY);
            v.push(TC_REFERENCE);
            v.extend((BASE_HANDLE + 3).to_be_bytes());
            v.extend(1u32.to_be_bytes());
        }
        v.push(TC_NULL);
        v
    }

    #[test]
    fn a_stream_is_sized_exactly_and_its_class_checked() {
        let mut bytes = nested(SEALED_KEY_CLASS, 3);
        let len = bytes.len();
        bytes.extend([0xde, 0xad]);
        assert_eq!(sealed_object_len(&bytes), Ok(len));
        let other = nested("java.util.HashMap", 3);
        let err = sealed_object_len(&other).unwrap_err();
        assert!(err.contains("holds a java.util.HashMap"), "{err}");
        for cut in 0..len {
            assert!(sealed_object_len(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let err = sealed_object_len(&nested(SEALED_KEY_CLASS, 1000)).unwrap_err();
        assert!(err.contains("nest deeper than 32 levels"), "{err}");
    }

    #[test]
    fn a_reference_to_an_unknown_handle_is_refused() {
        let mut v = STREAM_MAGIC.to_vec();
        v.push(TC_OBJECT);
        v.push(TC_REFERENCE);
        v.extend((BASE_HANDLE + 9).to_be_bytes());
        let err = sealed_object_len(&v).unwrap_err();
        assert!(
            err.contains("reference to unknown handle 0x007e0009"),
            "{err}"
        );
    }
}
