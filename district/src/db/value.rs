//! What crosses between the rules and either engine: [`Value`], the parameters that become one,
//! and the [`Row`] the rules read them back from.

use super::{Error, Result};

/// A value in the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (every integer column is 64-bit on both engines).
    Integer(i64),
    /// A real.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
    /// A list of texts, only as a parameter: `column IN rarray(?N)` reads it on both engines
    /// (SQLite's array table, PostgreSQL's `= ANY` of a text array; [`super::dialect`]).
    Texts(Vec<String>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Integer(_) => "số nguyên",
            Value::Real(_) => "số thực",
            Value::Text(_) => "chữ",
            Value::Blob(_) => "byte",
            Value::Texts(_) => "danh sách chữ",
        }
    }
}

/// A parameter.
pub trait ToValue {
    /// As the store holds it.
    fn to_value(&self) -> Result<Value>;

    /// As the store holds it, taking the value: a [`Value`] is moved, not copied (a batch's
    /// rows are hundreds of values, the events' payloads among them).
    fn into_value(self) -> Result<Value>
    where
        Self: Sized,
    {
        self.to_value()
    }
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Result<Value> {
                i64::try_from(*self)
                    .map(Value::Integer)
                    .map_err(|_| Error::Value(format!("{self} lớn hơn số nguyên 64 bit")))
            }
        }
    )*};
}
int_to_value!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl ToValue for bool {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Integer(i64::from(*self)))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Real(*self))
    }
}

impl ToValue for str {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Text(self.to_string()))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Text(self.clone()))
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Blob(self.to_vec()))
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Blob(self.clone()))
    }
}

impl ToValue for [String] {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Texts(self.to_vec()))
    }
}

impl ToValue for Vec<String> {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Texts(self.clone()))
    }

    fn into_value(self) -> Result<Value> {
        Ok(Value::Texts(self))
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Result<Value> {
        Ok(self.clone())
    }

    fn into_value(self) -> Result<Value> {
        Ok(self)
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Result<Value> {
        self.as_ref().map_or(Ok(Value::Null), T::to_value)
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Result<Value> {
        (**self).to_value()
    }
}

/// A statement's parameters: `params![…]`, an array of one type, or `[]`.
pub trait Params {
    /// The values, in order.
    fn values(self) -> Result<Vec<Value>>;
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Result<Vec<Value>> {
        self.iter().map(|p| p.to_value()).collect()
    }
}

impl Params for [&dyn ToValue; 0] {
    fn values(self) -> Result<Vec<Value>> {
        Ok(Vec::new())
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToValue> Params for [T; $n] {
            fn values(self) -> Result<Vec<Value>> {
                self.iter().map(ToValue::to_value).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8);

impl<T: ToValue> Params for Vec<T> {
    fn values(self) -> Result<Vec<Value>> {
        let mut values = Vec::with_capacity(self.len());
        for v in self {
            values.push(v.into_value()?);
        }
        Ok(values)
    }
}

/// A row read from the store.
#[derive(Debug, Clone)]
pub struct Row {
    pub(super) values: Vec<Value>,
}

/// A column of a [`Row`]: its index.
pub trait RowIndex {
    /// The index.
    fn index(&self) -> usize;
}

impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

impl Row {
    /// Every column, in order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Column `idx` as `T`.
    pub fn get<I: RowIndex, T: FromValue>(&self, idx: I) -> Result<T> {
        let index = idx.index();
        let v = self.values.get(index).ok_or(Error::Type {
            index,
            expected: T::EXPECTED,
            found: "không có cột",
        })?;
        T::from_value(v).ok_or(Error::Type {
            index,
            expected: T::EXPECTED,
            found: v.kind(),
        })
    }

    pub(super) fn from_sqlite(r: &rusqlite::Row<'_>, width: usize) -> Result<Row> {
        use rusqlite::types::ValueRef;
        let values = (0..width)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::Integer(n),
                    ValueRef::Real(f) => Value::Real(f),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Row { values })
    }
}

/// What a column can be read as.
pub trait FromValue: Sized {
    /// For the error when it cannot.
    const EXPECTED: &'static str;
    /// `None` when the value is of another kind.
    fn from_value(v: &Value) -> Option<Self>;
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            const EXPECTED: &'static str = stringify!($t);
            fn from_value(v: &Value) -> Option<Self> {
                match v {
                    Value::Integer(n) => <$t>::try_from(*n).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_from_value!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl FromValue for bool {
    const EXPECTED: &'static str = "bool";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Integer(n) => Some(*n != 0),
            _ => None,
        }
    }
}

impl FromValue for f64 {
    const EXPECTED: &'static str = "f64";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(f) => Some(*f),
            // An average or a sum of integers is an integer on one engine and a real on the other.
            Value::Integer(n) => Some(*n as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    const EXPECTED: &'static str = "chữ";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    const EXPECTED: &'static str = "byte";
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}

impl FromValue for Value {
    const EXPECTED: &'static str = "giá trị";
    fn from_value(v: &Value) -> Option<Self> {
        Some(v.clone())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        if let Value::Texts(list) = self {
            let list: rusqlite::vtab::array::Array = std::rc::Rc::new(
                list.iter()
                    .cloned()
                    .map(rusqlite::types::Value::Text)
                    .collect(),
            );
            // What rusqlite's Array binds, built here because it would borrow the list made above.
            return Ok(ToSqlOutput::from_rc(list, c"rarray"));
        }
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Integer(n) => ValueRef::Integer(*n),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
            Value::Texts(_) => unreachable!("answered above"),
        }))
    }
}
