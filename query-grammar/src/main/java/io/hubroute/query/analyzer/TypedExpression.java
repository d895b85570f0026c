package io.hubroute.query.analyzer;

import io.hubroute.message.JsonPath;
import io.hubroute.message.Twin;
import io.hubroute.query.ast.Operator;
import java.util.List;
import java.util.Objects;

/**
 * The typed, resolved form of a condition that both engines run: names are resolved to accessors
 * (application property, system property, body path, twin path), every node has its static type,
 * and the {@code null}-literal rules of spec §6 are already applied.
 */
public sealed interface TypedExpression {
    Type type();

    /** Whether the value depends on the message (or twin); constant nodes can be folded. */
    boolean readsMessage();

    /**
     * A constant: a Double (NUMBER), a String (STRING), a Boolean or null for U (BOOL), or null
     * (NULL and UNDEFINED types).
     */
    record Constant(Type type, Object value) implements TypedExpression {
        public Constant {
            Objects.requireNonNull(type, "type");
        }

        @Override
        public boolean readsMessage() {
            return false;
        }
    }

    /** An application property ({@code name}); {@code foldedName} is the case-insensitive key. */
    record AppProperty(String name, String foldedName) implements TypedExpression {
        @Override
        public Type type() {
            return Type.STRING;
        }

        @Override
        public boolean readsMessage() {
            return true;
        }
    }

    /**
     * A system property under its alias row; {@code shadowFoldedName}, when not null, is the
     * application property ({@code $name} written literally) that takes precedence.
     */
    record SystemProperty(
            String name,
            String shadowFoldedName,
            List<String> foldedSpellings,
            boolean enqueuedTime)
            implements TypedExpression {
        public SystemProperty {
            foldedSpellings = List.copyOf(foldedSpellings);
        }

        @Override
        public Type type() {
            return Type.STRING;
        }

        @Override
        public boolean readsMessage() {
            return true;
        }
    }

    /** A {@code $body} query; an application property {@code shadowFoldedName} takes precedence. */
    record BodyQuery(JsonPath path, String shadowFoldedName) implements TypedExpression {
        @Override
        public Type type() {
            return Type.JSON;
        }

        @Override
        public boolean readsMessage() {
            return true;
        }
    }

    /** A {@code $twin} query; {@code path} is below the section. */
    record TwinQuery(Twin.Section section, JsonPath path, String shadowFoldedName)
            implements TypedExpression {
        @Override
        public Type type() {
            return Type.JSON;
        }

        @Override
        public boolean readsMessage() {
            return true;
        }
    }

    /** {@code twin_change_includes(path)}: whether the body has something at the path. */
    record TwinChangeIncludes(JsonPath path) implements TypedExpression {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public boolean readsMessage() {
            return true;
        }
    }

    /** {@code NOT operand}; operand is bool, null or json. */
    record Not(TypedExpression operand) implements TypedExpression {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public boolean readsMessage() {
            return operand.readsMessage();
        }
    }

    /** Unary minus on a number or json. */
    record Negate(TypedExpression operand) implements TypedExpression {
        @Override
        public Type type() {
            return operand.type();
        }

        @Override
        public boolean readsMessage() {
            return operand.readsMessage();
        }
    }

    /**
     * Kleene {@code AND}/{@code OR}; operands are bool, undefined or json (null ones are resolved).
     */
    record Logical(Operator operator, TypedExpression left, TypedExpression right)
            implements TypedExpression {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public boolean readsMessage() {
            return left.readsMessage() || right.readsMessage();
        }
    }

    /** A comparison; operands have the same type or one is json. */
    record Comparison(Operator operator, TypedExpression left, TypedExpression right)
            implements TypedExpression {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public boolean readsMessage() {
            return left.readsMessage() || right.readsMessage();
        }
    }

    /** {@code + - * / %} on numbers (NUMBER) or with json (JSON). */
    record Arithmetic(Operator operator, TypedExpression left, TypedExpression right, Type type)
            implements TypedExpression {
        @Override
        public boolean readsMessage() {
            return left.readsMessage() || right.readsMessage();
        }
    }

    /** {@code ??}: the left value when it is defined, else the right. */
    record Coalesce(TypedExpression left, TypedExpression right, Type type)
            implements TypedExpression {
        @Override
        public boolean readsMessage() {
            return left.readsMessage() || right.readsMessage();
        }
    }

    /** A builtin call ({@code ||} is {@code concat}). */
    record Call(Builtin function, List<TypedExpression> arguments) implements TypedExpression {
        public Call {
            arguments = List.copyOf(arguments);
        }

        @Override
        public Type type() {
            return function.result();
        }

        @Override
        public boolean readsMessage() {
            for (TypedExpression argument : arguments) {
                if (argument.readsMessage()) {
                    return true;
                }
            }
            return false;
        }
    }
}
