package io.hubroute.query.analyzer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The builtin functions of spec §13, with their parameter kinds and result types. */
public enum Builtin {
    ABS(Type.NUMBER, Parameter.NUM),
    CEILING(Type.NUMBER, Parameter.NUM),
    FLOOR(Type.NUMBER, Parameter.NUM),
    SIGN(Type.NUMBER, Parameter.NUM),
    SQRT(Type.NUMBER, Parameter.NUM),
    SQUARE(Type.NUMBER, Parameter.NUM),
    EXP(Type.NUMBER, Parameter.NUM),
    POWER(Type.NUMBER, Parameter.NUM, Parameter.NUM),
    AS_NUMBER(Type.NUMBER, Parameter.STR_OR_NUM),
    IS_BOOL(Type.BOOL, Parameter.ANY),
    IS_DEFINED(Type.BOOL, Parameter.ANY),
    IS_NULL(Type.BOOL, Parameter.ANY),
    IS_NUMBER(Type.BOOL, Parameter.ANY),
    IS_STRING(Type.BOOL, Parameter.ANY),
    CONCAT(Type.STRING, 2, Integer.MAX_VALUE, Parameter.STR),
    LENGTH(Type.NUMBER, Parameter.STR),
    LOWER(Type.STRING, Parameter.STR),
    UPPER(Type.STRING, Parameter.STR),
    SUBSTRING(Type.STRING, 2, 3, Parameter.STR, Parameter.NUM, Parameter.NUM),
    INDEX_OF(Type.NUMBER, Parameter.STR, Parameter.STR),
    STARTS_WITH(Type.BOOL, Parameter.STR, Parameter.STR),
    ENDS_WITH(Type.BOOL, Parameter.STR, Parameter.STR),
    CONTAINS(Type.BOOL, Parameter.STR, Parameter.STR),
    TWIN_CHANGE_INCLUDES(Type.BOOL, Parameter.RAW_PATH);

    /** What a parameter accepts statically. */
    public enum Parameter {
        NUM,
        STR,
        STR_OR_NUM,
        ANY,
        RAW_PATH;

        boolean accepts(Type type) {
            if (type == Type.ERROR) {
                return true;
            }
            switch (this) {
                case NUM:
                    return type == Type.NUMBER || type == Type.JSON;
                case STR:
                    return type == Type.STRING || type == Type.JSON;
                case STR_OR_NUM:
                    return type == Type.STRING || type == Type.NUMBER || type == Type.JSON;
                default:
                    return true;
            }
        }
    }

    private static final Map<String, Builtin> BY_NAME = new HashMap<>();

    static {
        for (Builtin builtin : values()) {
            BY_NAME.put(builtin.name().toLowerCase(Locale.ROOT), builtin);
        }
    }

    private final Type result;
    private final int minArguments;
    private final int maxArguments;
    private final List<Parameter> parameters;

    Builtin(Type result, Parameter... parameters) {
        this(result, parameters.length, parameters.length, parameters);
    }

    Builtin(Type result, int minArguments, int maxArguments, Parameter... parameters) {
        this.result = result;
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
        this.parameters = List.of(parameters);
    }

    /** Finds a builtin by name, in any case; null when unknown. */
    public static Builtin byName(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    public Type result() {
        return result;
    }

    int minArguments() {
        return minArguments;
    }

    int maxArguments() {
        return maxArguments;
    }

    /** The parameter kind of argument {@code index} (the last kind repeats). */
    Parameter parameter(int index) {
        return parameters.get(Math.min(index, parameters.size() - 1));
    }

    /** "takes 2 or 3 arguments", "takes 1 argument", "takes at least 2 arguments". */
    String arityText() {
        if (maxArguments == Integer.MAX_VALUE) {
            return "takes at least " + minArguments + " arguments";
        }
        if (minArguments != maxArguments) {
            return "takes " + minArguments + " or " + maxArguments + " arguments";
        }
        return "takes " + minArguments + (minArguments == 1 ? " argument" : " arguments");
    }
}
