//! A JSON parser that keeps spans: every value knows its byte range in the line.
//!
//! PLACEHOLDER API — being implemented. See the helper task.

use std::borrow::Cow;
use std::ops::Range;

use crate::diagnostic::Span;

/// Deepest nesting accepted; deeper input is a parse error, never a stack overflow.
pub const MAX_DEPTH: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId(pub u32);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub span: Span,
    pub first: Span,
}

#[derive(Default)]
pub struct Parser {}

pub struct Document<'p, 's> {
    src: &'s str,
    _p: std::marker::PhantomData<&'p ()>,
}

impl Parser {
    pub fn new() -> Parser {
        Parser {}
    }

    pub fn parse<'p, 's>(&'p mut self, src: &'s str) -> Result<Document<'p, 's>, ParseError> {
        let _ = src;
        Err(ParseError {
            offset: 0,
            message: "not implemented".into(),
        })
    }
}

impl<'p, 's> Document<'p, 's> {
    pub fn src(&self) -> &'s str {
        self.src
    }
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }
    pub fn kind(&self, _id: NodeId) -> Kind {
        Kind::Null
    }
    pub fn span(&self, _id: NodeId) -> Span {
        Span::default()
    }
    pub fn duplicate_keys(&self) -> &[DuplicateKey] {
        &[]
    }
    pub fn members(&self, _obj: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        std::iter::empty()
    }
    pub fn get(&self, _obj: NodeId, _key: &str) -> Option<NodeId> {
        None
    }
    pub fn elements(&self, _arr: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::empty()
    }
    pub fn len(&self, _id: NodeId) -> usize {
        0
    }
    pub fn str(&self, _id: NodeId) -> Option<Cow<'s, str>> {
        None
    }
    pub fn raw(&self, id: NodeId) -> &'s str {
        &self.src[self.span(id).range()]
    }
    pub fn bool(&self, _id: NodeId) -> Option<bool> {
        None
    }
    pub fn number(&self, _id: NodeId) -> Option<f64> {
        None
    }
    pub fn string_span_of(&self, id: NodeId, _decoded: Range<usize>) -> Span {
        self.span(id)
    }
}
