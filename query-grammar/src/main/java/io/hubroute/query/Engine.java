package io.hubroute.query;

/**
 * How a compiled condition is evaluated. Both give the same results; the reference is the
 * yardstick.
 */
public enum Engine {
    /** Typed, specialised evaluator over extracted body paths: the one the router uses. */
    COMPILED,
    /** A plain tree-walking interpreter over the typed AST and a full JSON tree of the body. */
    REFERENCE
}
