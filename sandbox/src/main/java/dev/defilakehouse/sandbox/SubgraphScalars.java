package dev.defilakehouse.sandbox;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.GraphQLScalarType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** The Graph's scalars: BigInt and BigDecimal travel as decimal strings, Bytes as lowercase 0x hex. */
final class SubgraphScalars {
  private SubgraphScalars() {}

  static final GraphQLScalarType BIG_INT = scalar("BigInt", "arbitrary-size integer, as a string", true);
  static final GraphQLScalarType BIG_DECIMAL = scalar("BigDecimal", "arbitrary-precision decimal, as a string", false);
  static final GraphQLScalarType BYTES = GraphQLScalarType.newScalar().name("Bytes").description("0x hex")
      .coercing(new Coercing<String, String>() {
        @Override
        public String serialize(Object value, GraphQLContext ctx, Locale locale) {
          return value.toString().toLowerCase(Locale.ROOT);
        }

        @Override
        public String parseValue(Object input, GraphQLContext ctx, Locale locale) {
          String bytes = bytes(input.toString());
          if (bytes == null) {
            throw new CoercingParseValueException("Failed to decode `Bytes` value: `" + input + "`");
          }
          return bytes;
        }

        @Override
        public String parseLiteral(Value<?> input, CoercedVariables vars, GraphQLContext ctx, Locale locale) {
          String bytes = input instanceof StringValue ? bytes(((StringValue) input).getValue()) : null;
          if (bytes == null) {
            throw new CoercingParseLiteralException("Failed to decode `Bytes` value: `" + input + "`");
          }
          return bytes;
        }
      }).build();

  /**
   * graph-node's Bytes: hex with an optional 0x, an even number of digits ("" is empty bytes);
   * normalised to lowercase 0x hex so ids compare as the byte strings they are. Null when invalid.
   */
  static String bytes(String text) {
    String hex = text.startsWith("0x") ? text.substring(2) : text;
    if (hex.length() % 2 != 0 || !hex.matches("[0-9a-fA-F]*")) {
      return null;
    }
    return "0x" + hex.toLowerCase(Locale.ROOT);
  }

  private static GraphQLScalarType scalar(String name, String description, boolean integer) {
    return GraphQLScalarType.newScalar().name(name).description(description)
        .coercing(new Coercing<Object, String>() {
          @Override
          public String serialize(Object value, GraphQLContext ctx, Locale locale) {
            if (value instanceof BigDecimal) {
              return ((BigDecimal) value).toPlainString();
            }
            return value.toString();
          }

          @Override
          public Object parseValue(Object input, GraphQLContext ctx, Locale locale) {
            try {
              return parse(input.toString());
            } catch (NumberFormatException e) {
              throw new CoercingParseValueException("Failed to decode `" + name + "` value: `" + input + "`");
            }
          }

          @Override
          public Object parseLiteral(Value<?> input, CoercedVariables vars, GraphQLContext ctx, Locale locale) {
            String text;
            if (input instanceof StringValue) {
              text = ((StringValue) input).getValue();
            } else if (input instanceof IntValue) {
              text = ((IntValue) input).getValue().toString();
            } else {
              throw new CoercingParseLiteralException(name + " must be a string or an integer");
            }
            try {
              return parse(text);
            } catch (NumberFormatException e) {
              throw new CoercingParseLiteralException("Failed to decode `" + name + "` value: `" + text + "`");
            }
          }

          private Object parse(String text) {
            return integer ? new BigInteger(text) : new BigDecimal(text);
          }
        }).build();
  }
}
