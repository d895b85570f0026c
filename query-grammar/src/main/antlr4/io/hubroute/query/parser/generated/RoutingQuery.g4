/*
 * IoT Hub's routing query language (shared/spec/routing-query-language.md, §2 and §3).
 *
 * The lexer is lenient: it turns every input into tokens, including the error tokens
 * (RESERVED, UNTERMINATED_STRING, UNTERMINATED_COMMENT, BRACKETED_NAME, OTHER), which no parser
 * rule accepts. The AST builder reports them precisely. Lexer rules follow the spec's token
 * table in order: ANTLR's longest match with ties to the earlier rule is the spec's rule.
 */
grammar RoutingQuery;

condition
    : body=expression? EOF
    ;

expression
    : unary                                                                #unaryExpression
    | left=expression operator=(STAR | SLASH | PERCENT) right=expression   #multiplicative
    | left=expression operator=(PLUS | MINUS | CONCAT) right=expression    #additive
    | left=expression operator=(LT | LE | GT | GE) right=expression        #relational
    | left=expression operator=(EQ | NEQ | LTGT) right=expression          #equality
    | left=expression operator=AND right=expression                        #conjunction
    | left=expression operator=OR right=expression                         #disjunction
    | left=expression operator=COALESCE right=expression                   #coalesce
    ;

unary
    : operator=(MINUS | NOT) operand=unary    #prefixOperator
    | primary                                  #primaryUnary
    ;

primary
    : value=(STRING | INTEGER | HEX | REAL | TRUE | FALSE | NULL | UNDEFINED)              #literal
    | name=NAME LPAREN (arguments+=expression (COMMA arguments+=expression)*)? RPAREN      #functionCall
    | name=NAME                                                                            #applicationProperty
    | name=DOLLAR_NAME                                                                     #dollarName
    | LBRACE name=DOLLAR_NAME RBRACE                                                       #systemPropertyOnly
    | LPAREN inner=expression RPAREN                                                       #parenthesized
    ;

// 1. braces
LBRACE : '{' ;
RBRACE : '}' ;

// 2. reserved words, any case: always a syntax error
RESERVED : S E L E C T | F R O M | W H E R E | I N T O ;

// 3. strings; escapes are checked by the AST builder
STRING
    : '\'' ( ~['\\] | '\\' . )* '\''
    | '"' ( ~["\\] | '\\' . )* '"'
    ;
UNTERMINATED_STRING
    : '\'' ( ~['\\] | '\\' . )* '\\'?
    | '"' ( ~["\\] | '\\' . )* '\\'?
    ;

// 4.-6. numbers
INTEGER : '-'? DIGIT+ ;
HEX     : '0' [xX] HEX_DIGIT+ ;
REAL
    : '-'? DIGIT* '.' DIGIT+ EXPONENT?
    | '-'? DIGIT* EXPONENT
    ;

// 7. literals, lowercase only
TRUE      : 'true' ;
FALSE     : 'false' ;
NULL      : 'null' ;
UNDEFINED : 'undefined' ;

// 8. operators
LPAREN   : '(' ;
RPAREN   : ')' ;
COMMA    : ',' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;
EQ       : '=' ;
NEQ      : '!=' ;
LTGT     : '<>' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
CONCAT   : '||' ;
COALESCE : '??' ;

// 9. keywords, any case
AND : A N D ;
OR  : O R ;
NOT : N O T ;

// 10.-12. names
DOLLAR_NAME    : '$' PATH_CHAR+ ;
NAME           : NAME_CHAR+ ;
BRACKETED_NAME : PATH_CHAR+ ;

// whitespace and comments
WHITESPACE           : [ \t\r\n]+ -> skip ;
COMMENT              : '/*' .*? '*/' -> skip ;
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* ;

// anything else
OTHER : . ;

fragment DIGIT     : [0-9] ;
fragment HEX_DIGIT : [0-9a-fA-F] ;
fragment EXPONENT  : [eE] [+-]? DIGIT+ ;
fragment NAME_CHAR : ~[ \t\r\n()<>@,;:\\"/[\]?={}] ;
fragment PATH_CHAR : ~[ \t\r\n()<>@,;:\\"/?={}] ;

fragment A : [aA] ; fragment C : [cC] ; fragment D : [dD] ; fragment E : [eE] ;
fragment F : [fF] ; fragment H : [hH] ; fragment I : [iI] ; fragment L : [lL] ;
fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ; fragment R : [rR] ;
fragment S : [sS] ; fragment T : [tT] ; fragment W : [wW] ;
