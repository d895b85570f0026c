package io.hubroute.query.ast;

import io.hubroute.query.SourceRange;

/** A node of the untyped syntax tree; every node knows where it was written. */
public sealed interface Expression
        permits Literal, PropertyReference, FunctionCall, UnaryOperation, BinaryOperation {
    /** The whole text of the node. */
    SourceRange range();
}
